import { useEffect, useState } from 'preact/hooks';
import { get, type GetResult } from '../api';
import { navigate } from '../main';
import { RiskBadge } from './risk-badge';

type EventItem = GetResult<'/api/v1/events'>['items'][number];
const LEVELS = ['', 'critical', 'warning', 'normal', 'false_positive'];

/** Newest first, filtered by camera and level, refreshed every 10 s for new events. */
export function Events() {
  const [items, setItems] = useState<EventItem[] | null>(null);
  const [camera, setCamera] = useState('');
  const [level, setLevel] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    const load = () =>
      get(
        '/api/v1/events',
        {},
        { cameras: camera || undefined, riskLevels: level || undefined, limit: '100' },
      )
        .then((r) => !stop && (setItems(r.items), setError(null)))
        .catch((e: Error) => !stop && setError(e.message));
    void load();
    const timer = setInterval(load, 10_000);
    return () => ((stop = true), clearInterval(timer));
  }, [camera, level]);
  return (
    <section>
      <h1>Events</h1>
      <div class="filters">
        <label>
          Camera{' '}
          <input
            value={camera}
            placeholder="all"
            onChange={(e) => setCamera((e.target as HTMLInputElement).value.trim())}
          />
        </label>
        <label>
          Level{' '}
          <select value={level} onChange={(e) => setLevel((e.target as HTMLSelectElement).value)}>
            {LEVELS.map((l) => (
              <option value={l}>{l || 'all'}</option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {items === null ? (
        <p>Loading…</p>
      ) : items.length === 0 ? (
        <p>No events.</p>
      ) : (
        <ul class="events">
          {items.map((e) => (
            <li>
              <a
                href={`/events/${e.id}`}
                data-event={e.id}
                onClick={(ev) => (ev.preventDefault(), navigate(`/events/${e.id}`))}
              >
                <RiskBadge score={e.riskScore} level={e.riskLevel} status={e.analysisStatus} />
                <span class="what">
                  {e.explanation ??
                    (e.analysisError ? `analysis failed: ${e.analysisError}` : 'waiting for analysis')}
                </span>
                <span class="meta">
                  {e.cameraId} · {new Date(e.startedAt).toLocaleString()} · {e.frameCount} frame
                  {e.frameCount === 1 ? '' : 's'}
                  {e.incidentId ? ' · incident' : ''}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
