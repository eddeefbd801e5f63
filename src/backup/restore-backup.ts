/**
 * `uservm restore`: puts a backup back into an empty data directory (or over an existing install
 * with `force`). Every entry is checked against the manifest's sha256 in a staging folder first, so
 * a damaged or edited backup changes nothing; a backup from a newer build (migrations this one does
 * not know) is refused. The effective configuration of the backed-up install is written next to the
 * data as `config.from-backup.yaml` for the operator to compare; it is not applied.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import yauzl from 'yauzl';
import BetterSqlite3 from 'better-sqlite3';
import type { Config } from '../config/schema.js';
import { MIGRATIONS } from '../db/migrations/index.js';
import { databasePath, SECRET_FOLDERS, spoolRoot } from './backup-contents.js';
import {
  CONFIG_ENTRY,
  DATABASE_ENTRY,
  MANIFEST_ENTRY,
  parseManifest,
  type BackupManifest,
} from './manifest.js';
import { RestoreRepository } from './restore-repository.js';

export interface RestoreResult {
  manifest: BackupManifest;
  files: number;
  spoolPathsMoved: number;
  configFile: string;
}

const openZip = (file: string) =>
  new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (err, zip) =>
      err ? reject(new Error(`not a readable backup: ${err.message}`)) : resolve(zip!),
    ),
  );

/** Extracts every entry under `dir`, returning each one's sha256 and size. */
async function extractAll(
  zip: yauzl.ZipFile,
  dir: string,
): Promise<Map<string, { sha256: string; size: number }>> {
  const seen = new Map<string, { sha256: string; size: number }>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      const target = path.resolve(dir, entry.fileName);
      if (!target.startsWith(dir + path.sep)) return reject(new Error(`unsafe entry ${entry.fileName}`));
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error(`cannot read ${entry.fileName}`));
        const hash = createHash('sha256');
        const out = fs.createWriteStream(target, { mode: 0o600, flags: 'wx' });
        let size = 0;
        const tee = new Writable({
          write(chunk: Buffer, _enc, done) {
            hash.update(chunk);
            size += chunk.length;
            if (!out.write(chunk)) out.once('drain', () => done());
            else done();
          },
          final(done) {
            out.end(() => done());
          },
        });
        pipeline(stream, tee)
          .then(() => {
            seen.set(entry.fileName, { sha256: hash.digest('hex'), size });
            zip.readEntry();
          })
          .catch(reject);
      });
    });
    zip.readEntry();
  });
  return seen;
}

function moveInto(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
  fs.rmSync(to, { recursive: true, force: true });
  try {
    fs.renameSync(from, to);
  } catch (err) {
    // The spool may live on another file system than the data directory.
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    fs.cpSync(from, to, { recursive: true, preserveTimestamps: true });
  }
}

export async function restoreBackup(
  config: Config,
  file: string,
  options: { force?: boolean } = {},
): Promise<RestoreResult> {
  const dbFile = databasePath(config);
  if (fs.existsSync(dbFile) && !options.force)
    throw new Error(
      `${dbFile} exists: restore goes into an empty data directory (or pass --force to replace it)`,
    );
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const staging = path.resolve(config.dataDir, `.restore-${randomUUID()}`);
  fs.mkdirSync(staging, { mode: 0o700 });
  try {
    const extracted = await extractAll(await openZip(path.resolve(file)), staging);
    if (!extracted.has(MANIFEST_ENTRY)) throw new Error('not a uservm backup: it has no manifest.json');
    const manifest = parseManifest(fs.readFileSync(path.join(staging, MANIFEST_ENTRY), 'utf8'));
    const listed = new Set(manifest.files.map((f) => f.name));
    for (const name of extracted.keys())
      if (name !== MANIFEST_ENTRY && !listed.has(name))
        throw new Error(`the backup holds ${name}, which its manifest does not list`);
    for (const f of manifest.files) {
      const got = extracted.get(f.name);
      if (!got) throw new Error(`the backup lacks ${f.name}`);
      if (got.sha256 !== f.sha256 || got.size !== f.size)
        throw new Error(`${f.name} in the backup is damaged (sha256 or size differs)`);
    }
    const known = new Set(MIGRATIONS.map((m) => m.id));
    const unknown = manifest.migrations.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new Error(
        `the backup was taken by a newer uservm (migrations ${unknown.join(', ')}); restore it with that version`,
      );

    const stagedDb = path.join(staging, DATABASE_ENTRY);
    const spool = spoolRoot(config);
    const sqlite = new BetterSqlite3(stagedDb);
    let moved: number;
    try {
      moved = new RestoreRepository(sqlite).moveSpoolRoot(manifest.spoolRoot, spool);
    } finally {
      sqlite.close();
    }
    for (const suffix of ['-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
    moveInto(stagedDb, dbFile);
    for (const folder of SECRET_FOLDERS)
      if (fs.existsSync(path.join(staging, folder)))
        moveInto(path.join(staging, folder), path.join(config.dataDir, folder));
    if (fs.existsSync(path.join(staging, 'spool'))) moveInto(path.join(staging, 'spool'), spool);
    const configFile = path.join(config.dataDir, 'config.from-backup.yaml');
    moveInto(path.join(staging, CONFIG_ENTRY), configFile);
    return { manifest, files: manifest.files.length, spoolPathsMoved: moved, configFile };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
