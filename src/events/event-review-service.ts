import { AppError } from '../errors/app-error.js';
import type { EventReviewRepository } from './event-review-repository.js';

/**
 * "Mark reviewed" (Frigate's review flow): each API token keeps its own list of reviewed events,
 * so the console's "not reviewed" filter is that owner's inbox. Reviewing changes nothing about
 * the event itself, so viewers may do it too.
 */
export class EventReviewService {
  constructor(
    private readonly reviews: EventReviewRepository,
    private readonly now: () => number = Date.now,
  ) {}

  async mark(tokenId: string, eventId: string): Promise<{ eventId: string; reviewedAt: string }> {
    if ((await this.reviews.mark(tokenId, [eventId], this.now())) === 0)
      throw new AppError('not_found', `event ${eventId} does not exist`);
    const at = (await this.reviews.reviewedAt(tokenId, [eventId])).get(eventId)!;
    return { eventId, reviewedAt: new Date(at).toISOString() };
  }

  async unmark(tokenId: string, eventId: string): Promise<void> {
    await this.reviews.unmark(tokenId, [eventId]);
  }

  /** Marks or unmarks many events at once ("mark all reviewed"); ids that do not exist are skipped. */
  async setMany(tokenId: string, eventIds: string[], reviewed: boolean): Promise<{ updated: number }> {
    const unique = [...new Set(eventIds)];
    const updated = reviewed
      ? await this.reviews.mark(tokenId, unique, this.now())
      : await this.reviews.unmark(tokenId, unique);
    return { updated };
  }
}
