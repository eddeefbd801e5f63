import type { Command } from 'commander';
import { resolveDataPath } from '../../config/load.js';
import { openDatabase } from '../../db/database.js';
import { migrate } from '../../db/migrator.js';
import { backupBeforeUpgrade } from '../../backup/backup-before-upgrade.js';
import { createLogger } from '../../logging/logger.js';
import { fail, loadConfigOrExit, type GlobalOptions } from '../context.js';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations and exit (serve also does this at start)')
    .action(async () => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const file = resolveDataPath(config, config.database.path);
      const { sqlite } = openDatabase({ path: file, busyTimeoutMs: config.database.busyTimeoutMs });
      try {
        const backup = await backupBeforeUpgrade(config, sqlite, createLogger(config.log));
        if (backup) console.log(`backup before the upgrade: ${backup.file}`);
        const result = migrate(sqlite);
        console.log(
          result.applied.length ? `applied: ${result.applied.join(', ')}` : 'database is up to date',
        );
        console.log(`database: ${file}`);
      } catch (err) {
        fail((err as Error).message);
      } finally {
        sqlite.close();
      }
    });
}
