/**
 * Model files held in memory while they are being rolled out: a staged deployment sends the same
 * file to every targeted edge at once, and reading it from the store for each download allocated a
 * fresh buffer per read for each edge (most of the server's garbage in bench/model-distribution).
 * Bounded by total bytes; the least recently used model leaves first; files larger than a quarter
 * of the bound are never held. Model files are immutable once registered (a new version is a new
 * id), so an entry never goes stale; deleting a model drops it.
 */
export class ModelBytesCache {
  private readonly entries = new Map<string, Promise<Buffer>>();
  private readonly sizes = new Map<string, number>();
  private held = 0;

  constructor(private readonly maxBytes: number) {}

  /** The model's bytes from memory, loading them once; null when the model is too large to hold. */
  async get(id: string, size: number, load: () => Promise<Buffer>): Promise<Buffer | null> {
    if (size > this.maxBytes / 4) return null;
    let entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id); // re-insert: most recently used last
      this.entries.set(id, entry);
      return entry;
    }
    entry = load();
    this.entries.set(id, entry);
    this.sizes.set(id, size);
    this.held += size;
    entry.catch(() => this.drop(id));
    for (const oldest of this.entries.keys()) {
      if (this.held <= this.maxBytes || oldest === id) break;
      this.drop(oldest);
    }
    return entry;
  }

  drop(id: string): void {
    if (!this.entries.delete(id)) return;
    this.held -= this.sizes.get(id) ?? 0;
    this.sizes.delete(id);
  }

  get heldBytes(): number {
    return this.held;
  }
}
