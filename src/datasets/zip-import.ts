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

/**
 * yauzl's own refusals (strictFileNames: `../`, absolute paths, backslashes; a corrupt central
 * directory) as our error codes, never as a bare Error (which became a 500).
 */
function zipError(err: Error): AppError {
  if (/relative path|absolute path|invalid characters|backslash/i.test(err.message))
    return unsafe(`the archive has an unsafe entry name: ${err.message}`);
  return new AppError('validation_failed', `not a readable ZIP archive: ${err.message}`);
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise<yauzl.Entry | null>((resolve, reject) => {
    zip.once('entry', resolve);
    zip.once('end', () => resolve(null));
    zip.once('error', (err: Error) => reject(zipError(err)));
    zip.readEntry();
  }).finally(() => zip.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error'));
}

/**
 * Every image of the archive, read one at a time. The whole central directory is checked first
 * (names, types, declared sizes and ratios, counts), so an archive with an unsafe entry anywhere
 * yields nothing at all. (An entry that inflates to other than its declared size is only found
 * while reading it; importZip then takes back what it had imported.)
 */
export async function* readZipImages(path: string, limits: ZipLimits): AsyncGenerator<ZipImage> {
  for await (const _ of imageEntries(path, limits)) {
    // pass 1: checks only
  }
  for await (const { zip, entry, target } of imageEntries(path, limits)) {
    yield { ...target, bytes: await readEntry(zip, entry, limits.maxImageBytes) };
  }
}

/** The image entries of the archive, each checked against the limits before it is handed out. */
async function* imageEntries(
  path: string,
  limits: ZipLimits,
): AsyncGenerator<{ zip: yauzl.ZipFile; entry: yauzl.Entry; target: { label: string; name: string } }> {
  const zip = await open(path);
  try {
    if (zip.entryCount > limits.maxEntries)
      throw unsafe(`the archive has ${zip.entryCount} entries; the limit is ${limits.maxEntries}`);
    let expanded = 0;
    let topFolder: string | null | undefined;
    for (;;) {
      const entry = await nextEntry(zip);
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
      yield { zip, entry, target };
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
