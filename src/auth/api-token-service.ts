import { AppError } from '../errors/app-error.js';
import { newId } from '../db/ids.js';
import type { ApiTokenRepository, ApiTokenRow } from './api-token-repository.js';
import { issueSecret, parseToken, secretMatches } from './token-format.js';

export type Role = 'admin' | 'viewer';

/** Who is calling the REST API. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
}

export interface ApiTokenView {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const TOKEN_KIND = 'uvm';
/** last_used_at is a hint, not an audit trail: write it at most this often per token. */
const TOUCH_INTERVAL_MS = 60_000;

export class ApiTokenService {
  constructor(
    private readonly repo: ApiTokenRepository,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns the token text once; only its prefix and hash are kept. */
  async create(input: {
    name: string;
    role: Role;
    expiresAt?: number;
    createdBy?: string;
  }): Promise<{ token: string; view: ApiTokenView }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100)
      throw new AppError('validation_failed', 'token name must be 1-100 characters');
    if (input.expiresAt !== undefined && input.expiresAt <= this.now())
      throw new AppError('validation_failed', 'expiresAt must be in the future');
    const secret = issueSecret(TOKEN_KIND);
    const row = await this.repo.insert({
      id: newId(),
      name,
      role: input.role,
      prefix: secret.prefix,
      secret_hash: secret.secretHash,
      created_at: this.now(),
      created_by: input.createdBy ?? null,
      expires_at: input.expiresAt ?? null,
      last_used_at: null,
      revoked_at: null,
    });
    return { token: secret.token, view: toView(row) };
  }

  /** Creates the first admin token when there is none at all; returns its text, or null. */
  async createInitialAdminIfNone(): Promise<string | null> {
    if ((await this.repo.count()) > 0) return null;
    const { token } = await this.create({ name: 'initial-admin', role: 'admin', createdBy: 'first start' });
    return token;
  }

  async authenticate(token: string): Promise<Principal> {
    const parsed = parseToken(TOKEN_KIND, token);
    if (!parsed.ok) throw new AppError('token_invalid', `the API token is malformed: ${parsed.why}`);
    const row = await this.repo.findByPrefix(parsed.prefix);
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) throw new AppError('token_invalid');
    const now = this.now();
    if (row.revoked_at !== null) throw new AppError('token_revoked');
    if (row.expires_at !== null && row.expires_at <= now) throw new AppError('token_expired');
    if (row.last_used_at === null || now - row.last_used_at > TOUCH_INTERVAL_MS)
      await this.repo.touch(row.id, now);
    return { tokenId: row.id, name: row.name, role: row.role };
  }

  async list(): Promise<ApiTokenView[]> {
    return (await this.repo.list()).map(toView);
  }

  async revoke(id: string): Promise<ApiTokenView> {
    const row = (await this.repo.revoke(id, this.now())) ?? (await this.repo.get(id));
    if (!row) throw new AppError('not_found', `API token ${id} does not exist`);
    return toView(row);
  }
}

function toView(row: ApiTokenRow): ApiTokenView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}
