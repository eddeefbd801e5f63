/** The manifest at the head of every backup: what it holds and how to check it. */
export const BACKUP_FORMAT = 'uservm-backup/1';
export const MANIFEST_ENTRY = 'manifest.json';
export const DATABASE_ENTRY = 'database.sqlite';
export const CONFIG_ENTRY = 'config.yaml';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  serviceVersion: string;
  createdAt: string;
  /** Migrations applied to the database copy: a build that does not know one cannot restore it. */
  migrations: string[];
  /** Where the backed-up install lived (spool paths in the database are rewritten on restore). */
  dataDir: string;
  spoolRoot: string;
  files: { name: string; size: number; sha256: string }[];
}

/** Checks a parsed manifest's shape; throws with what is wrong. */
export function parseManifest(text: string): BackupManifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    throw new Error('the backup manifest is not JSON');
  }
  const o = m as Partial<BackupManifest>;
  if (o.format !== BACKUP_FORMAT)
    throw new Error(`not a uservm backup of a known format (format ${JSON.stringify(o.format)})`);
  if (
    !Array.isArray(o.migrations) ||
    !Array.isArray(o.files) ||
    typeof o.spoolRoot !== 'string' ||
    !o.files.every(
      (f) => typeof f?.name === 'string' && typeof f.sha256 === 'string' && Number.isInteger(f.size),
    )
  )
    throw new Error('the backup manifest is incomplete');
  if (!o.files.some((f) => f.name === DATABASE_ENTRY)) throw new Error('the backup holds no database');
  return o as BackupManifest;
}
