/**
 * Event frames waiting for analysis, in memory only. The security model keeps plaintext frames
 * off disk (the archive holds only ciphertext the service cannot read), so analysis works on the
 * frames as they arrived; bounded by bytes, oldest dropped first. An event whose frames are gone
 * (restart, overflow) is marked failed with that reason instead of being analysed on nothing.
 */
export interface BufferedFrame {
  image: Uint8Array;
  capturedAt: number | null;
}

export interface BufferedEvent {
  frames: BufferedFrame[];
  conditions: Record<string, string> | null;
}

export class AnalysisFrameBuffer {
  private readonly entries = new Map<string, { event: BufferedEvent; bytes: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Returns the event ids dropped to make room. */
  put(eventId: string, event: BufferedEvent): string[] {
    const size = event.frames.reduce((n, f) => n + f.image.length, 0);
    const dropped: string[] = [];
    this.take(eventId);
    while (this.bytes + size > this.maxBytes && this.entries.size > 0) {
      const oldest = this.entries.keys().next().value as string;
      this.take(oldest);
      dropped.push(oldest);
    }
    if (size <= this.maxBytes) {
      this.entries.set(eventId, { event, bytes: size });
      this.bytes += size;
    } else dropped.push(eventId);
    return dropped;
  }

  /** The frames (kept until release, so a retried analysis still has them). */
  get(eventId: string): BufferedEvent | undefined {
    return this.entries.get(eventId)?.event;
  }

  take(eventId: string): BufferedEvent | undefined {
    const e = this.entries.get(eventId);
    if (!e) return undefined;
    this.entries.delete(eventId);
    this.bytes -= e.bytes;
    return e.event;
  }

  get usedBytes(): number {
    return this.bytes;
  }
}
