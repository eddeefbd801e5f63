import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../db/database.js';
import type { EdgeCertificatesTable, EdgesTable } from '../db/tables.js';

export type EdgeRow = Selectable<EdgesTable>;

/** Edges and the certificates issued to them. */
export class EdgeRepository {
  private writes = 0;

  constructor(private readonly db: Db) {}

  /** Grows with every write this process makes to edges or their certificates (cache invalidation). */
  get writeVersion(): number {
    return this.writes;
  }

  async get(id: string, db: Db = this.db): Promise<EdgeRow | undefined> {
    return db.selectFrom('edges').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByName(name: string, db: Db = this.db): Promise<EdgeRow | undefined> {
    return db.selectFrom('edges').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async findByWireGuardKey(key: string, db: Db = this.db): Promise<EdgeRow | undefined> {
    return db.selectFrom('edges').selectAll().where('wg_public_key', '=', key).executeTakeFirst();
  }

  /** The edge whose *current* certificate has this fingerprint. */
  async findByCertificateFingerprint(fingerprint: string): Promise<EdgeRow | undefined> {
    return this.db
      .selectFrom('edges')
      .selectAll()
      .where('cert_fingerprint', '=', fingerprint)
      .executeTakeFirst();
  }

  /** Whether this fingerprint belonged to an older certificate of some edge (replaced by renewal). */
  async findSupersededCertificate(
    fingerprint: string,
  ): Promise<Selectable<EdgeCertificatesTable> | undefined> {
    return this.db
      .selectFrom('edge_certificates')
      .selectAll()
      .where('fingerprint', '=', fingerprint)
      .executeTakeFirst();
  }

  /** Which of `cameraIds` another active edge is restricted to (its allowed cameras name them). */
  async camerasAllowedToOthers(edgeId: string, cameraIds: string[]): Promise<Set<string>> {
    if (cameraIds.length === 0) return new Set();
    const rows = await sql<{ camera: string }>`
      SELECT DISTINCT j.value AS camera FROM edges e, json_each(e.allowed_cameras) j
      WHERE e.id != ${edgeId} AND e.status = 'active' AND e.allowed_cameras IS NOT NULL
        AND j.value IN (${sql.join(cameraIds)})`.execute(this.db);
    return new Set(rows.rows.map((r) => r.camera));
  }

  /** Edges revoked after `at` (ms), oldest first: how a revocation by another process is noticed. */
  async revokedSince(at: number): Promise<{ id: string; revoked_at: number }[]> {
    const rows = await this.db
      .selectFrom('edges')
      .select(['id', 'revoked_at'])
      .where('status', '=', 'revoked')
      .where('revoked_at', '>', at)
      .orderBy('revoked_at')
      .execute();
    return rows.map((r) => ({ id: r.id, revoked_at: r.revoked_at! }));
  }

  async certificateFingerprints(edgeId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('edge_certificates')
      .select('fingerprint')
      .where('edge_id', '=', edgeId)
      .execute();
    return rows.map((r) => r.fingerprint);
  }

  async list(): Promise<EdgeRow[]> {
    return this.db.selectFrom('edges').selectAll().orderBy('name').execute();
  }

  async usedTunnelAddresses(db: Db = this.db): Promise<string[]> {
    const rows = await db
      .selectFrom('edges')
      .select('tunnel_address')
      .where('tunnel_address', 'is not', null)
      .execute();
    return rows.map((r) => r.tunnel_address!);
  }

  /** Public keys and addresses of active edges: the WireGuard peer set. */
  async activePeers(): Promise<{ id: string; wg_public_key: string; tunnel_address: string }[]> {
    const rows = await this.db
      .selectFrom('edges')
      .select(['id', 'wg_public_key', 'tunnel_address'])
      .where('status', '=', 'active')
      .where('wg_public_key', 'is not', null)
      .where('tunnel_address', 'is not', null)
      .execute();
    return rows as { id: string; wg_public_key: string; tunnel_address: string }[];
  }

  async insert(row: Insertable<EdgesTable>, db: Db = this.db): Promise<void> {
    this.writes++;
    await db.insertInto('edges').values(row).execute();
  }

  async update(id: string, changes: Updateable<EdgesTable>, db: Db = this.db): Promise<EdgeRow | undefined> {
    this.writes++;
    return db.updateTable('edges').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
  }

  async insertCertificate(row: Insertable<EdgeCertificatesTable>, db: Db = this.db): Promise<void> {
    this.writes++;
    await db.insertInto('edge_certificates').values(row).execute();
  }

  /** Marks every certificate of the edge except `keepSerial` as revoked. */
  async revokeCertificates(
    edgeId: string,
    at: number,
    keepSerial: string | null,
    db: Db = this.db,
  ): Promise<void> {
    this.writes++;
    let q = db
      .updateTable('edge_certificates')
      .set({ revoked_at: at })
      .where('edge_id', '=', edgeId)
      .where('revoked_at', 'is', null);
    if (keepSerial) q = q.where('serial', '!=', keepSerial);
    await q.execute();
  }

  async delete(id: string): Promise<boolean> {
    this.writes++;
    const res = await this.db.deleteFrom('edges').where('id', '=', id).executeTakeFirst();
    return res.numDeletedRows > 0n;
  }

  /**
   * Liveness of many edges in one statement (heartbeats are buffered, see LastSeenBuffer). One entry
   * per edge: with two, SQLite would apply either. A null RTT or version keeps the stored one.
   */
  async touchMany(
    entries: {
      id: string;
      last_seen_at: number;
      last_rtt_ms: number | null;
      software_version: string | null;
    }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    // One statement for the whole batch: a query built and run per edge (200 at a time) held the
    // event loop ~10 ms every second, which showed in the heartbeat p99 (bench/edge-api).
    await sql`UPDATE edges SET
        last_seen_at = v.seen,
        last_rtt_ms = coalesce(v.rtt, edges.last_rtt_ms),
        software_version = coalesce(v.version, edges.software_version)
      FROM (SELECT value ->> 'id' AS id, value ->> 'seen' AS seen, value ->> 'rtt' AS rtt,
                   value ->> 'version' AS version
            FROM json_each(${JSON.stringify(
              entries.map((e) => ({
                id: e.id,
                seen: e.last_seen_at,
                rtt: e.last_rtt_ms,
                version: e.software_version,
              })),
            )})) AS v
      WHERE edges.id = v.id`.execute(this.db);
  }
}
