/** Row types: API tokens, bootstrap tokens, edges and their certificates, cameras. */
import type { Generated } from 'kysely';
import type { Flag, Json, Ms } from './common.js';

export interface ApiTokensTable {
  id: string;
  name: string;
  role: 'admin' | 'viewer';
  prefix: string;
  secret_hash: string;
  created_at: Ms;
  created_by: string | null;
  expires_at: Ms | null;
  last_used_at: Ms | null;
  revoked_at: Ms | null;
}

export interface BootstrapTokensTable {
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  expires_at: Ms;
  max_uses: Generated<number>;
  use_count: Generated<number>;
  allowed_cameras: Json | null;
  allowed_labels: Json | null;
  created_at: Ms;
  created_by: string | null;
  revoked_at: Ms | null;
  /** Set when the token may only re-enrol this existing edge (and no other name). */
  reenroll_edge_id: string | null;
}

export interface EdgesTable {
  id: string;
  name: string;
  status: 'active' | 'revoked';
  bootstrap_token_id: string | null;
  cert_serial: string | null;
  cert_fingerprint: string | null;
  cert_expires_at: Ms | null;
  allowed_cameras: Json | null;
  allowed_labels: Json | null;
  wg_public_key: string | null;
  tunnel_address: string | null;
  software_version: string | null;
  capabilities: Json | null;
  last_seen_at: Ms | null;
  last_rtt_ms: number | null;
  enrolled_at: Ms;
  revoked_at: Ms | null;
  revoked_reason: string | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface EdgeCertificatesTable {
  serial: string;
  edge_id: string;
  fingerprint: string;
  not_before: Ms;
  not_after: Ms;
  revoked_at: Ms | null;
}

export type CameraReadiness = 'needs_snapshots' | 'ready_for_training' | 'training' | 'model_deployed';

export interface CamerasTable {
  id: string;
  edge_id: string;
  name: string;
  kind: Generated<'rtsp' | 'usb' | 'other'>;
  width: number | null;
  height: number | null;
  fps: number | null;
  capabilities: Json | null;
  snapshot_counts: Json | null;
  readiness: Generated<CameraReadiness>;
  allowed: Generated<Flag>;
  quota_bytes: number | null;
  retention_days: number | null;
  last_seen_at: Ms | null;
  created_at: Ms;
  updated_at: Ms;
}
