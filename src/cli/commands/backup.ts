import type { Command } from 'commander';
import { createBackup } from '../../backup/create-backup.js';
import { restoreBackup } from '../../backup/restore-backup.js';
import { fail, loadConfigOrExit, type GlobalOptions } from '../context.js';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function backupCommands(program: Command): void {
  program
    .command('backup <file>')
    .description(
      'back up database, CA, WireGuard key, analysis key, spool and config to one ZIP (not the blobs); safe while the service runs; holds private keys',
    )
    .action(async (file: string) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      try {
        const r = await createBackup(config, file);
        console.log(`backup: ${r.file} (${mib(r.bytes)}, ${r.manifest.files.length} files)`);
        console.log(
          `schema: ${r.manifest.migrations.at(-1) ?? 'empty'}; taken by uservm ${r.manifest.serviceVersion}`,
        );
      } catch (err) {
        fail((err as Error).message);
      }
    });
  program
    .command('restore <file>')
    .description(
      'restore a backup into an empty data directory (or --force); checks every file first; service stopped',
    )
    .option('--force', 'replace the database and keys already in the data directory')
    .action(async (file: string, opts: { force?: boolean }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      try {
        const r = await restoreBackup(config, file, { force: opts.force === true });
        console.log(
          `restored ${r.files} files from a backup of ${r.manifest.createdAt} into ${config.dataDir}`,
        );
        if (r.spoolPathsMoved > 0)
          console.log(`spool paths moved to the new data directory: ${r.spoolPathsMoved}`);
        console.log(
          `the backed-up install's configuration: ${r.configFile} (compare with yours; not applied)`,
        );
        console.log(
          'blobs are not in a backup: restore the object store or blob folder, then run `uservm serve`',
        );
      } catch (err) {
        fail((err as Error).message);
      }
    });
}
