import { AgeEncryptor } from './age-encryptor.js';
import { validateFrame, type FrameLimits, type ValidFrame } from './frame-validation.js';

export interface PreparedFrame extends ValidFrame {
  /** The frame encrypted to the owner's recipients (age). */
  ciphertext: Uint8Array;
}

export interface PrepareFrameInput {
  image: Uint8Array;
  index: number;
  limits: FrameLimits;
  recipients: readonly string[];
}

/** Validate, then encrypt: a pure function of the frame, so it runs in a worker thread. */
export async function prepareFrame(input: PrepareFrameInput): Promise<PreparedFrame> {
  const valid = await validateFrame(input.image, input.index, input.limits);
  const ciphertext = await new AgeEncryptor(input.recipients).encrypt(input.image);
  return { ...valid, ciphertext };
}
