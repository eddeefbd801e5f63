import { loadConfig, ConfigError, resolveDataPath } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrate } from '../db/migrator.js';

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
}

/** Loads and validates the configuration, or prints every problem and exits 2. */
export function loadConfigOrExit(options: GlobalOptions, overrides: Record<string, unknown> = {}): Config {
  try {
    return loadConfig({
      ...(options.config ? { file: options.config } : {}),
      overrides: { dataDir: options.dataDir, ...overrides },
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`uservm: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** The service's database, migrated, for commands that work on it directly (safe while the service runs: WAL). */
export function openMigratedDatabase(config: Config): DatabaseHandle {
  const handle = openDatabase({
    path: resolveDataPath(config, config.database.path),
    busyTimeoutMs: config.database.busyTimeoutMs,
  });
  migrate(handle.sqlite);
  return handle;
}

export function fail(message: string, code = 1): never {
  process.stderr.write(`uservm: ${message}\n`);
  process.exit(code);
}
