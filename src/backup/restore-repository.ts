import type { Sqlite } from '../db/database.js';

/** The one change a restore makes to a restored database: spool paths follow the new data directory. */
export class RestoreRepository {
  constructor(private readonly sqlite: Sqlite) {}

  /** Rewrites archive objects' spool paths from the old spool root to the new one; returns how many. */
  moveSpoolRoot(from: string, to: string): number {
    if (from === to) return 0;
    const prefix = from.endsWith('/') ? from : `${from}/`;
    const target = to.endsWith('/') ? to : `${to}/`;
    return this.sqlite
      .prepare(
        `UPDATE archive_objects SET spool_path = ? || substr(spool_path, ?)
         WHERE spool_path IS NOT NULL AND substr(spool_path, 1, ?) = ?`,
      )
      .run(target, prefix.length + 1, prefix.length, prefix).changes;
  }
}
