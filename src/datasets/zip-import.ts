/**
 * Reads a ZIP of labelled images safely: `{label}/{file}` entries (a single top folder wrapping
 * them is allowed). Refused outright: absolute paths, `..`, symlinks and other non-regular
 * entries, more entries or more expanded bytes than configured, and entries that expand beyond
 * the compression-ratio limit (decompression bombs). Sizes are enforced on the bytes actually
 * inflated, not on the sizes the archive declares. Non-image files (README, .DS_Store) are skipped.
 */
import yauzl from 'yauzl';
import { AppError } from '../errors/app-error.js';

export interface ZipLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
  maxCompressionRatio: number;
  maxImageBytes: number;
}

export interface ZipImage {
  label: string;
  name: string;
  bytes: Buffer;
}

const IMAGE_EXT = /\.(jpe?g|png|webp)$/i;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

function unsafe(message: string): AppError {
  return new AppError('unsafe_archive', message);
}

function open(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    // validateEntrySizes: yauzl fails the stream if an entry inflates to a size other than declared.
    yauzl.open(path, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (err, zip) =>
      err
        ? reject(new AppError('validation_failed', `not a readable ZIP archive: ${err.message}`))
        : resolve(zip!),
    ),
  );
}

/** Splits an entry path into label and file name; null for entries to skip. */
export function entryLabel(path: string, topFolder: string | null): { label: string; name: string } | null {
  if (path.startsWith('/') || path.includes('\\') || /^[A-Za-z]:/.test(path))
    throw unsafe(`entry ${path} has an absolute path`);
  const parts = path.split('/').filter((p) => p.length > 0);
  if (parts.some((p) => p === '..' || p === '.')) throw unsafe(`entry ${path} escapes its folder`);
  if (topFolder && parts[0] === topFolder) parts.shift();
  if (parts.length !== 2 || !IMAGE_EXT.test(parts[1]!) || parts[1]!.startsWith('.')) return null;
  return { label: parts[0]!, name: parts[1]! };
}

export async function* readZipImages(path: string, limits: ZipLimits): AsyncGenerator<ZipImage> {
  const zip = await open(path);
  try {
    if (zip.entryCount > limits.maxEntries)
      throw unsafe(`the archive has ${zip.entryCount} entries; the limit is ${limits.maxEntries}`);
    let expanded = 0;
    let topFolder: string | null | undefined;
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        zip.once('entry', resolve);
        zip.once('end', () => resolve(null));
        zip.once('error', reject);
        zip.readEntry();
      });
      zip.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
      if (!entry) return;
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      const isDir = entry.fileName.endsWith('/') || mode === S_IFDIR;
      if (mode !== 0 && mode !== S_IFREG && !isDir)
        throw unsafe(`entry ${entry.fileName} is a link or special file`);
      if (topFolder === undefined) {
        const first = entry.fileName.split('/')[0]!;
        // A lone wrapping folder whose name is not itself a label folder, e.g. "camera-export/normal/x.jpg".
        topFolder = entry.fileName.split('/').length >= 3 ? first : null;
      }
      if (isDir) continue;
      const target = entryLabel(entry.fileName, topFolder);
      if (!target) continue;
      if (
        entry.compressedSize > 0 &&
        entry.uncompressedSize / entry.compressedSize > limits.maxCompressionRatio
      ) {
        throw unsafe(
          `entry ${entry.fileName} expands ${Math.round(entry.uncompressedSize / entry.compressedSize)}x; the limit is ${limits.maxCompressionRatio}x`,
        );
      }
      if (entry.uncompressedSize > limits.maxImageBytes) {
        throw new AppError(
          'invalid_image',
          `entry ${entry.fileName} is ${entry.uncompressedSize} bytes; the image limit is ${limits.maxImageBytes}`,
        );
      }
      expanded += entry.uncompressedSize;
      if (expanded > limits.maxUncompressedBytes)
        throw unsafe(`the archive expands beyond ${limits.maxUncompressedBytes} bytes`);
      const bytes = await readEntry(zip, entry, limits.maxImageBytes);
      yield { ...target, bytes };
    }
  } finally {
    zip.close();
  }
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(unsafe(`entry ${entry.fileName} cannot be read: ${err?.message}`));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        // Belt and braces: never trust the declared size.
        if (size > max) stream.destroy(unsafe(`entry ${entry.fileName} inflates beyond ${max} bytes`));
        else chunks.push(c);
      });
      stream.on('error', (e) =>
        reject(e instanceof AppError ? e : unsafe(`entry ${entry.fileName}: ${e.message}`)),
      );
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}
