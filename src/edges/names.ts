import { AppError } from '../errors/app-error.js';

const EDGE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const CAMERA_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const LABEL_RE = /^[a-z][a-z0-9_-]{0,31}$/;
/** Labels every camera may use; bootstrap tokens may allow custom ones. */
export const BUILTIN_LABELS = ['normal', 'abnormal', 'threat'] as const;

export function assertEdgeName(name: string): void {
  if (!EDGE_NAME_RE.test(name)) {
    throw new AppError(
      'validation_failed',
      `edge name ${JSON.stringify(name.slice(0, 80))} is not allowed: 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      { field: 'edge_name' },
    );
  }
}

export function assertCameraId(id: string): void {
  if (!CAMERA_ID_RE.test(id)) {
    throw new AppError(
      'validation_failed',
      `camera id ${JSON.stringify(id.slice(0, 120))} is not allowed: 1-100 letters, digits, ".", "_" or "-"`,
      { field: 'camera_id' },
    );
  }
}

export function assertLabel(label: string): void {
  if (!LABEL_RE.test(label)) {
    throw new AppError(
      'validation_failed',
      `label ${JSON.stringify(label.slice(0, 40))} is not allowed: 1-32 lowercase letters, digits, "_" or "-"`,
      { field: 'label' },
    );
  }
}

/** A WireGuard public key: 32 bytes in standard base64 (44 characters ending in "="). */
export function assertWireGuardKey(key: string): void {
  const ok = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/.test(key) && Buffer.from(key, 'base64').length === 32;
  if (!ok)
    throw new AppError(
      'validation_failed',
      'wireguard_public_key must be a 32-byte key in base64, as `wg pubkey` prints it',
      { field: 'wireguard_public_key' },
    );
}
