#!/usr/bin/env node
import { Command } from 'commander';
import { VERSION } from '../app/version.js';
import { backupCommands } from './commands/backup.js';
import { configCommand } from './commands/config.js';
import { bootstrapTokenCommand, edgeCommand } from './commands/edges.js';
import { migrateCommand } from './commands/migrate.js';
import { datasetCommand, trainCommand } from './commands/ml.js';
import { deployCommands } from './commands/deploy.js';
import { eventCommand } from './commands/events.js';
import { serveCommand } from './commands/serve.js';
import { tokenCommand } from './commands/token.js';

// Everything the service writes under its data directory (database, keys, spool, blobs) is the
// owner's alone; files written with an explicit mode keep it regardless.
process.umask(0o077);

const program = new Command('uservm')
  .description('User VM API: the self-hosted hub of a camera anomaly and threat detection system')
  .version(VERSION)
  .option('-c, --config <file>', 'YAML config file (or env UVM_CONFIG); UVM_* variables override it')
  .option('-d, --data-dir <dir>', 'data directory (dataDir); default ./data')
  .showHelpAfterError()
  .addHelpText(
    'after',
    '\nEnvironment: every setting can be given as UVM_<PATH>, nested keys joined by "__", e.g.\n  UVM_SERVER__PORT=9000 UVM_STORAGE__DRIVER=s3 UVM_LOG__LEVEL=debug\nSee config/config.example.yaml for every setting.',
  );

serveCommand(program);
migrateCommand(program);
backupCommands(program);
tokenCommand(program);
datasetCommand(program);
trainCommand(program);
deployCommands(program);
eventCommand(program);
bootstrapTokenCommand(program);
edgeCommand(program);
configCommand(program);

await program.parseAsync(process.argv);
