import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrate } from '../db/migrator.js';

/** A migrated database in a fresh temp folder (a real file, so WAL and locking behave as in production). */
export function testDatabase(): DatabaseHandle & { dir: string; file: string; cleanup(): Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-db-'));
  const file = path.join(dir, 'test.sqlite');
  const handle = openDatabase({ path: file, busyTimeoutMs: 5000, strictTransactions: true });
  migrate(handle.sqlite);
  return {
    ...handle,
    dir,
    file,
    cleanup: async () => {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
