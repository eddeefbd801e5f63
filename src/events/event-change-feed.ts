import type { EventRepository } from './event-repository.js';

export type ChangeListener = (eventIds: string[]) => void;

/**
 * Which events changed (accepted, archived, analysed, re-scored, deleted), for live views. An
 * event's writes come in bursts (its objects archive one by one), so ids are collected and handed
 * out together every `flushMs`. Subscribers are bounded: each is an open HTTP response.
 */
export class EventChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    events: EventRepository,
    readonly maxSubscribers = 100,
    private readonly flushMs = 250,
  ) {
    events.onChange((id) => {
      if (this.listeners.size === 0) return;
      this.pending.add(id);
      this.timer ??= setTimeout(() => this.flush(), this.flushMs);
    });
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Returns the unsubscribe function, or null when `maxSubscribers` are already listening. */
  subscribe(listener: ChangeListener): (() => void) | null {
    if (this.listeners.size >= this.maxSubscribers) return null;
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private flush(): void {
    this.timer = undefined;
    const ids = [...this.pending];
    this.pending = new Set();
    for (const l of this.listeners) l(ids);
  }
}
