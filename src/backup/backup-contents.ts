/**
 * What a backup holds, relative to the data directory: the secrets an install cannot recreate
 * without re-enrolling every edge (the CA, the WireGuard key) and the service's own key for frames
 * waiting for analysis. The database is added separately (an online copy); the spool (ciphertext
 * accepted but not yet in the object store) is added from its own root. Blobs are never in a
 * backup: they live in S3 or in the blob folder, which is backed up as a separate step.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { resolveDataPath } from '../config/load.js';

export const SECRET_FOLDERS = ['pki', 'wireguard', 'keys'] as const;

export interface BackupSource {
  /** Name inside the backup (POSIX separators). */
  name: string;
  file: string;
}

export const databasePath = (config: Config) => resolveDataPath(config, config.database.path);
export const spoolRoot = (config: Config) => resolveDataPath(config, config.archive.spoolDir);

function walk(root: string, prefix: string): BackupSource[] {
  if (!fs.existsSync(root)) return [];
  const out: BackupSource[] = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    // Half-written temp files are not state.
    if (entry.name.endsWith('.tmp')) continue;
    if (entry.isDirectory()) out.push(...walk(full, `${prefix}${entry.name}/`));
    else if (entry.isFile()) out.push({ name: `${prefix}${entry.name}`, file: full });
  }
  return out;
}

/** The files to back up besides the database. */
export function backupSources(config: Config): BackupSource[] {
  return [
    ...SECRET_FOLDERS.flatMap((folder) => walk(path.join(config.dataDir, folder), `${folder}/`)),
    ...walk(spoolRoot(config), 'spool/'),
  ];
}
