import { get, setReviewed } from '../api';
import { ErrorNote } from '../components/error-note';
import { EventRow } from '../components/event-row';
import { RiskBadge } from '../components/risk-badge';
import { useLoad, when } from '../use-load';

/** A burst of one camera's events read as a sequence, oldest first. */
export function Incident({ id }: { id: string }) {
  const { data, error, reload, setError } = useLoad(() => get('/api/v1/incidents/{id}', { id }), [id]);
  if (!data) return error ? <ErrorNote error={error} /> : <p>Loading…</p>;
  const review = (eventId: string, reviewed: boolean) =>
    setReviewed([eventId], reviewed)
      .then(reload)
      .catch((e: Error) => setError(e.message));
  return (
    <section>
      <h1>
        <RiskBadge score={data.riskScore} level={data.riskLevel} status="analyzed" /> Incident on{' '}
        {data.cameraId}
      </h1>
      <p class="meta">
        {when(data.startedAt)} – {when(data.endedAt)} · {data.eventCount} events ·{' '}
        {data.findingTypes.map((t) => t.replace('_', ' ')).join(', ') || 'no findings'}
      </p>
      {data.explanation && <p class="explanation">{data.explanation}</p>}
      <ErrorNote error={error} />
      <ul class="events">
        {data.events.map((e) => (
          <EventRow event={e} onReview={(r) => review(e.id, r)} />
        ))}
      </ul>
    </section>
  );
}
