/**
 * `uservm backup`: one ZIP file with an online copy of the database (SQLite's backup API through
 * better-sqlite3, consistent while the service runs), the CA, the WireGuard key, the pending-frames
 * key, the spool, the effective configuration and a manifest with every entry's sha256. Written to a
 * temp name, fsynced and renamed, owner-only: it holds private keys.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import YAML from 'yaml';
import BetterSqlite3 from 'better-sqlite3';
import { VERSION } from '../app/version.js';
import type { Config } from '../config/schema.js';
import type { Sqlite } from '../db/database.js';
import { appliedMigrations } from '../db/migrator.js';
import { backupSources, databasePath, spoolRoot } from './backup-contents.js';
import {
  BACKUP_FORMAT,
  DATABASE_ENTRY,
  MANIFEST_ENTRY,
  CONFIG_ENTRY,
  type BackupManifest,
} from './manifest.js';

export interface BackupResult {
  file: string;
  bytes: number;
  manifest: BackupManifest;
}

const sha256File = async (file: string) => {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
};

/**
 * Backs up the install described by `config` to `target`. `sqlite` is the open database when the
 * caller has one (the service before a migration); otherwise the file is opened read-only.
 */
export async function createBackup(config: Config, target: string, sqlite?: Sqlite): Promise<BackupResult> {
  const dbFile = databasePath(config);
  if (!sqlite && !fs.existsSync(dbFile)) throw new Error(`no database at ${dbFile}: nothing to back up`);
  const work = path.join(config.dataDir, 'tmp', `backup-${randomUUID()}`);
  fs.mkdirSync(work, { recursive: true, mode: 0o700 });
  const copy = path.join(work, 'database.sqlite');
  const own = sqlite ? undefined : new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  try {
    const source = sqlite ?? own!;
    await source.backup(copy);
    const migrations = appliedMigrations(source);
    const sources = [{ name: DATABASE_ENTRY, file: copy }, ...backupSources(config)];
    const configText = YAML.stringify(config);
    const files: BackupManifest['files'] = [];
    for (const s of sources)
      files.push({ name: s.name, size: fs.statSync(s.file).size, sha256: await sha256File(s.file) });
    files.push({
      name: CONFIG_ENTRY,
      size: Buffer.byteLength(configText),
      sha256: createHash('sha256').update(configText).digest('hex'),
    });
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      serviceVersion: VERSION,
      createdAt: new Date().toISOString(),
      migrations,
      dataDir: path.resolve(config.dataDir),
      spoolRoot: spoolRoot(config),
      files,
    };
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), MANIFEST_ENTRY, { mode: 0o100600 });
    for (const s of sources) zip.addFile(s.file, s.name, { mode: 0o100600 });
    zip.addBuffer(Buffer.from(configText), CONFIG_ENTRY, { mode: 0o100600 });
    zip.end();
    const resolved = path.resolve(target);
    fs.mkdirSync(path.dirname(resolved), { recursive: true });
    const tmp = `${resolved}.${randomUUID()}.tmp`;
    await pipeline(zip.outputStream, fs.createWriteStream(tmp, { mode: 0o600, flags: 'wx' }));
    const fd = fs.openSync(tmp, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, resolved);
    return { file: resolved, bytes: fs.statSync(resolved).size, manifest };
  } finally {
    own?.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
