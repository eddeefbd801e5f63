import { issueSecret, parseToken, secretMatches } from '../auth/token-format.js';
import { newId } from '../db/ids.js';
import { AppError } from '../errors/app-error.js';
import type { BootstrapTokenRepository, BootstrapTokenRow } from './bootstrap-token-repository.js';
import type { EdgeRepository } from './edge-repository.js';
import { assertCameraId, assertLabel } from './names.js';

export interface BootstrapTokenView {
  id: string;
  name: string;
  prefix: string;
  expiresAt: string;
  maxUses: number;
  useCount: number;
  allowedCameras: string[] | null;
  allowedLabels: string[] | null;
  createdAt: string;
  createdBy: string | null;
  revokedAt: string | null;
  /** The one existing edge this token re-enrols (null: it enrols new edges only). */
  reenrollEdgeId: string | null;
  /** active, expired, used_up or revoked. */
  state: 'active' | 'expired' | 'used_up' | 'revoked';
}

export interface CreateBootstrapToken {
  name: string;
  /** Default 24 h; at most 30 days. */
  expiresInHours?: number;
  /** Default 1 (single use). */
  maxUses?: number;
  allowedCameras?: string[];
  allowedLabels?: string[];
  /**
   * Make a single-use token that re-enrols this existing edge (new keys after a reinstall, or a
   * revoked edge brought back). Without allowed cameras/labels the edge keeps its current ones.
   */
  reenrollEdgeId?: string;
  createdBy?: string;
}

export const BOOTSTRAP_TOKEN_KIND = 'uvmb';
const MAX_HOURS = 30 * 24;

/** Pre-authorisation keys for enrolling edges (like Headscale's pre-auth keys). */
export class BootstrapTokenService {
  constructor(
    private readonly repo: BootstrapTokenRepository,
    private readonly edges: EdgeRepository,
    private readonly now: () => number = Date.now,
  ) {}

  async create(input: CreateBootstrapToken): Promise<{ token: string; view: BootstrapTokenView }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100)
      throw new AppError('validation_failed', 'name must be 1-100 characters');
    const hours = input.expiresInHours ?? 24;
    if (!(hours > 0 && hours <= MAX_HOURS))
      throw new AppError('validation_failed', `expiresInHours must be in (0, ${MAX_HOURS}]`);
    const maxUses = input.maxUses ?? 1;
    if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 10_000)
      throw new AppError('validation_failed', 'maxUses must be a whole number from 1 to 10000');
    input.allowedCameras?.forEach(assertCameraId);
    input.allowedLabels?.forEach(assertLabel);
    if (input.reenrollEdgeId !== undefined) {
      if (maxUses !== 1)
        throw new AppError('validation_failed', 'a re-enrolment token is single use (maxUses 1)');
      if (!(await this.edges.get(input.reenrollEdgeId)))
        throw new AppError('not_found', `edge ${input.reenrollEdgeId} does not exist`);
    }
    const secret = issueSecret(BOOTSTRAP_TOKEN_KIND);
    const now = this.now();
    const row = await this.repo.insert({
      id: newId(),
      name,
      prefix: secret.prefix,
      secret_hash: secret.secretHash,
      expires_at: now + Math.round(hours * 3_600_000),
      max_uses: maxUses,
      allowed_cameras: input.allowedCameras ? JSON.stringify([...new Set(input.allowedCameras)]) : null,
      allowed_labels: input.allowedLabels ? JSON.stringify([...new Set(input.allowedLabels)]) : null,
      created_at: now,
      created_by: input.createdBy ?? null,
      revoked_at: null,
      reenroll_edge_id: input.reenrollEdgeId ?? null,
    });
    return { token: secret.token, view: this.toView(row) };
  }

  /**
   * Finds the token and says precisely why it cannot be used (expired, used up, revoked), so an
   * installer knows what to ask the administrator for. Does not consume a use.
   */
  async check(token: string): Promise<BootstrapTokenRow> {
    const parsed = parseToken(BOOTSTRAP_TOKEN_KIND, token);
    if (!parsed.ok)
      throw new AppError('bootstrap_token_invalid', `the bootstrap token is malformed: ${parsed.why}`);
    const row = await this.repo.findByPrefix(parsed.prefix);
    if (!row || !secretMatches(parsed.secret, row.secret_hash))
      throw new AppError('bootstrap_token_invalid', 'the bootstrap token is not known');
    const state = this.stateOf(row);
    if (state === 'revoked')
      throw new AppError('bootstrap_token_revoked', `bootstrap token "${row.name}" was revoked`);
    if (state === 'expired')
      throw new AppError(
        'bootstrap_token_expired',
        `bootstrap token "${row.name}" expired at ${new Date(row.expires_at).toISOString()}`,
      );
    if (state === 'used_up')
      throw new AppError(
        'bootstrap_token_used_up',
        `bootstrap token "${row.name}" has been used ${row.use_count} of ${row.max_uses} times`,
      );
    return row;
  }

  async list(): Promise<BootstrapTokenView[]> {
    return (await this.repo.list()).map((r) => this.toView(r));
  }

  async revoke(id: string): Promise<BootstrapTokenView> {
    const row = await this.repo.revoke(id, this.now());
    if (!row) throw new AppError('not_found', `bootstrap token ${id} does not exist`);
    return this.toView(row);
  }

  private stateOf(row: BootstrapTokenRow): BootstrapTokenView['state'] {
    if (row.revoked_at !== null) return 'revoked';
    if (row.expires_at <= this.now()) return 'expired';
    if (row.use_count >= row.max_uses) return 'used_up';
    return 'active';
  }

  private toView(row: BootstrapTokenRow): BootstrapTokenView {
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      expiresAt: new Date(row.expires_at).toISOString(),
      maxUses: row.max_uses,
      useCount: row.use_count,
      allowedCameras: row.allowed_cameras ? (JSON.parse(row.allowed_cameras) as string[]) : null,
      allowedLabels: row.allowed_labels ? (JSON.parse(row.allowed_labels) as string[]) : null,
      createdAt: new Date(row.created_at).toISOString(),
      createdBy: row.created_by,
      revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
      reenrollEdgeId: row.reenroll_edge_id,
      state: this.stateOf(row),
    };
  }
}
