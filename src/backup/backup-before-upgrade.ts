import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { Sqlite } from '../db/database.js';
import { appliedMigrations, pendingMigrations } from '../db/migrator.js';
import type { Logger } from '../logging/logger.js';
import { createBackup, type BackupResult } from './create-backup.js';

/**
 * Before migrations change an existing database's schema, the whole install is backed up to
 * `{dataDir}/backups/before-<first pending migration>-<time>.zip`, so an upgrade that goes wrong
 * can be undone with `uservm restore`. A new database (nothing applied yet) needs none.
 */
export async function backupBeforeUpgrade(
  config: Config,
  sqlite: Sqlite,
  log: Logger,
): Promise<BackupResult | null> {
  if (!config.database.backupBeforeMigrate) return null;
  const pending = pendingMigrations(sqlite);
  if (pending.length === 0 || appliedMigrations(sqlite).length === 0) return null;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.resolve(config.dataDir, 'backups', `before-${pending[0]}-${stamp}.zip`);
  const result = await createBackup(config, file, sqlite);
  log.info({ file, bytes: result.bytes, pending }, 'backed up before upgrading the database schema');
  return result;
}
