import { AgeEncryptor } from './age-encryptor.js';
import { eventMetadataDocument, type EventMetadataInput, type FrameFormat } from './event-metadata.js';
import { validateFrame, type FrameLimits } from './frame-validation.js';
import { Spool, type SpooledFile } from './spool.js';

export interface PrepareEventInput {
  spoolRoot: string;
  frames: Uint8Array[];
  limits: FrameLimits;
  recipients: readonly string[];
  metadata: EventMetadataInput;
}

export interface PreparedEvent {
  formats: FrameFormat[];
  /** The snapshots (ciphertext) in frame order, then metadata.json, all durable in the spool. */
  files: (SpooledFile & { key: string; kind: 'snapshot' | 'metadata' })[];
}

// One encryptor per recipient list: parsing the keys once, not once per frame.
const encryptors = new Map<string, AgeEncryptor>();
const encryptorFor = (recipients: readonly string[]) => {
  const id = recipients.join(',');
  let encryptor = encryptors.get(id);
  if (!encryptor) encryptors.set(id, (encryptor = new AgeEncryptor(recipients)));
  return encryptor;
};

/**
 * Everything an event needs before its database row can be committed: each frame validated and
 * encrypted to the owner, then the snapshots and `metadata.json` written durably to the spool
 * (`events/{id}/`). Runs in an ingest worker thread, so the event loop does no image, crypto or
 * file-system work for it. A refused event leaves nothing behind.
 */
export async function prepareEvent(input: PrepareEventInput): Promise<PreparedEvent> {
  const { eventId } = input.metadata;
  const formats: FrameFormat[] = [];
  for (const [index, image] of input.frames.entries())
    formats.push(await validateFrame(image, index, input.limits));
  const encryptor = encryptorFor(input.recipients);
  const keys = formats.map(
    (f, i) => `events/${eventId}/snapshot-${i}.${f.format === 'png' ? 'png' : 'jpg'}.age`,
  );
  const metadataKey = `events/${eventId}/metadata.json`;
  const metadata = Buffer.from(JSON.stringify(eventMetadataDocument(input.metadata, formats), null, 2));
  const spool = new Spool(input.spoolRoot);
  try {
    const written = spool.writeAllSync([
      ...input.frames.map((image, i) => ({ relative: keys[i]!, data: encryptor.encryptSync(image) })),
      { relative: metadataKey, data: metadata },
    ]);
    return {
      formats,
      files: written.map((file, i) =>
        i < keys.length
          ? { ...file, key: keys[i]!, kind: 'snapshot' as const }
          : { ...file, key: metadataKey, kind: 'metadata' as const },
      ),
    };
  } catch (err) {
    spool.removeTreeSync(`events/${eventId}`);
    throw err;
  }
}
