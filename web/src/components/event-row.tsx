import type { GetResult } from '../api';
import { onLink } from '../router';
import { RiskBadge } from './risk-badge';

export type EventItem = GetResult<'/api/v1/events'>['items'][number];

/** One event in the list: level, the explanation, camera and time, and its review toggle. */
export function EventRow({
  event: e,
  onReview,
}: {
  event: EventItem;
  onReview: (reviewed: boolean) => void;
}) {
  return (
    <li class={e.reviewedAt ? 'reviewed' : ''}>
      <a href={`/events/${e.id}`} data-event={e.id} onClick={onLink(`/events/${e.id}`)}>
        <RiskBadge score={e.riskScore} level={e.riskLevel} status={e.analysisStatus} />
        <span class="what">
          {e.explanation ??
            (e.analysisError ? `analysis failed: ${e.analysisError}` : 'waiting for analysis')}
        </span>
        {e.findingTypes.length > 0 && (
          <ul class="chips row-chips">
            {e.findingTypes.map((t) => (
              <li class="chip">{t.replace('_', ' ')}</li>
            ))}
          </ul>
        )}
        <span class="meta">
          {e.cameraId} · {new Date(e.startedAt).toLocaleString()} · {e.frameCount} frame
          {e.frameCount === 1 ? '' : 's'}
          {e.hasClip ? ' · clip' : ''}
        </span>
      </a>
      <button
        type="button"
        class="review"
        aria-pressed={e.reviewedAt !== null}
        title={e.reviewedAt ? `reviewed ${new Date(e.reviewedAt).toLocaleString()}` : 'mark reviewed'}
        onClick={() => onReview(e.reviewedAt === null)}
      >
        {e.reviewedAt ? 'Reviewed' : 'Mark reviewed'}
      </button>
    </li>
  );
}
