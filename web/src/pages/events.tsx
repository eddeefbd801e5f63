import { useEffect, useRef, useState } from 'preact/hooks';
import { get, setReviewed } from '../api';
import { DayTimeline } from '../components/day-timeline';
import { ErrorNote } from '../components/error-note';
import { EventRow, type EventItem } from '../components/event-row';
import { followEventChanges } from '../live';
import { useLoad } from '../use-load';

const LEVELS = ['critical', 'warning', 'normal', 'false_positive'];
/** The analysis's finding types (src/analysis/types.ts FINDING_TYPES). */
const FINDINGS = [
  'new_object',
  'missing_object',
  'abnormal_count',
  'abnormal_time',
  'unusual_position',
  'unusual_path',
  'unusual_dwell',
  'scene_change',
];
const PAGE = 100;

interface Filters {
  camera: string;
  level: string;
  finding: string;
  /** First and last day shown (local dates, inclusive); empty: open-ended. */
  from: string;
  to: string;
  reviewed: string;
}

/** Consecutive events of one incident (a burst on one camera) shown together. */
function groups(items: EventItem[]): EventItem[][] {
  const out: EventItem[][] = [];
  for (const e of items) {
    const last = out[out.length - 1];
    if (last && e.incidentId && last[0]!.incidentId === e.incidentId) last.push(e);
    else out.push([e]);
  }
  return out;
}

/** Newest first, filtered, grouped by incident, with a day timeline; live as events arrive. */
export function Events() {
  const [f, setF] = useState<Filters>({ camera: '', level: '', finding: '', from: '', to: '', reviewed: '' });
  const [items, setItems] = useState<EventItem[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cameras = useLoad(() => get('/api/v1/cameras'), []);
  const query = (before?: string) => {
    const from = f.from ? new Date(`${f.from}T00:00`) : null;
    const to = f.to ? new Date(new Date(`${f.to}T00:00`).getTime() + 86_400_000) : null;
    return get(
      '/api/v1/events',
      {},
      {
        cameras: f.camera || undefined,
        riskLevels: f.level || undefined,
        findings: f.finding || undefined,
        reviewed: f.reviewed || undefined,
        from: from?.toISOString(),
        to: to?.toISOString(),
        limit: String(PAGE),
        cursor: before,
      },
    );
  };
  const generation = useRef(0);
  const load = () => {
    const mine = ++generation.current;
    return query().then(
      (r) => mine === generation.current && (setItems(r.items), setCursor(r.nextCursor), setError(null)),
      (e: Error) => setError(e.message),
    );
  };
  useEffect(() => {
    void load();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = followEventChanges(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 300);
    });
    return () => (stop(), clearTimeout(timer));
  }, [f]);

  const more = async () => {
    if (!cursor) return;
    const r = await query(cursor);
    setItems([...(items ?? []), ...r.items]);
    setCursor(r.nextCursor);
  };
  const review = async (ids: string[], reviewed: boolean) => {
    try {
      await setReviewed(ids, reviewed);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const set = (k: keyof Filters) => (e: Event) =>
    setF({ ...f, [k]: (e.target as HTMLInputElement | HTMLSelectElement).value });
  const unreviewed = (items ?? []).filter((e) => e.reviewedAt === null).map((e) => e.id);

  return (
    <section>
      <h1>Events</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Camera{' '}
          <select value={f.camera} onChange={set('camera')}>
            <option value="">all</option>
            {(cameras.data?.items ?? []).map((c) => (
              <option value={c.id}>{c.name || c.id}</option>
            ))}
          </select>
        </label>
        <label>
          Level{' '}
          <select value={f.level} onChange={set('level')}>
            <option value="">all</option>
            {LEVELS.map((l) => (
              <option value={l}>{l.replace('_', ' ')}</option>
            ))}
          </select>
        </label>
        <label>
          Finding{' '}
          <select value={f.finding} onChange={set('finding')}>
            <option value="">any</option>
            {FINDINGS.map((t) => (
              <option value={t}>{t.replace('_', ' ')}</option>
            ))}
          </select>
        </label>
        <label>
          From{' '}
          <input type="date" id="from-filter" value={f.from} max={f.to || undefined} onChange={set('from')} />
        </label>
        <label>
          to <input type="date" id="to-filter" value={f.to} min={f.from || undefined} onChange={set('to')} />
        </label>
        <label>
          Show{' '}
          <select id="reviewed-filter" value={f.reviewed} onChange={set('reviewed')}>
            <option value="">all</option>
            <option value="false">not reviewed</option>
            <option value="true">reviewed</option>
          </select>
        </label>
      </form>
      <ErrorNote error={error} />
      {items && <DayTimeline day={f.to ? new Date(`${f.to}T00:00`) : new Date()} events={items} />}
      {items === null ? (
        <p>Loading…</p>
      ) : items.length === 0 ? (
        <p>No events.</p>
      ) : (
        <>
          {unreviewed.length > 1 && (
            <button type="button" class="secondary" onClick={() => review(unreviewed, true)}>
              Mark {unreviewed.length} shown reviewed
            </button>
          )}
          <ul class="events">
            {groups(items).map((g) =>
              g.length === 1 ? (
                <EventRow event={g[0]!} onReview={(r) => review([g[0]!.id], r)} />
              ) : (
                <li class="incident" data-incident={g[0]!.incidentId}>
                  <p class="incident-head">
                    Incident on {g[0]!.cameraId}: {g.length} events,{' '}
                    {new Date(g[g.length - 1]!.startedAt).toLocaleTimeString()} –{' '}
                    {new Date(g[0]!.startedAt).toLocaleTimeString()}
                  </p>
                  <ul class="events">
                    {g.map((e) => (
                      <EventRow event={e} onReview={(r) => review([e.id], r)} />
                    ))}
                  </ul>
                </li>
              ),
            )}
          </ul>
          {cursor && (
            <button type="button" class="secondary" onClick={() => void more()}>
              Older events
            </button>
          )}
        </>
      )}
    </section>
  );
}
