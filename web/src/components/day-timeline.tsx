import { onLink } from '../router';

interface Dot {
  id: string;
  cameraId: string;
  startedAt: string;
  riskLevel: string | null;
}

/**
 * One row per camera across a day (local time), a dot per event coloured by its level: where the
 * day's activity was, at a glance. Dots are links, so the timeline is keyboard-navigable too.
 */
export function DayTimeline({ day, events }: { day: Date; events: Dot[] }) {
  const start = new Date(day.getFullYear(), day.getMonth(), day.getDate()).getTime();
  const end = start + 86_400_000;
  const inDay = events.filter((e) => {
    const t = Date.parse(e.startedAt);
    return t >= start && t < end;
  });
  const cameras = [...new Set(inDay.map((e) => e.cameraId))].sort();
  if (cameras.length === 0) return <p class="hint">No events on {day.toLocaleDateString()}.</p>;
  return (
    <div class="timeline" aria-label={`Events on ${day.toLocaleDateString()}`}>
      <div class="hours" aria-hidden="true">
        {[0, 6, 12, 18].map((h) => (
          <span style={{ left: `${(h / 24) * 100}%` }}>{String(h).padStart(2, '0')}:00</span>
        ))}
      </div>
      {cameras.map((camera) => (
        <div class="lane">
          <span class="lane-name">{camera}</span>
          <div class="lane-track">
            {inDay
              .filter((e) => e.cameraId === camera)
              .map((e) => {
                const at = new Date(e.startedAt);
                return (
                  <a
                    href={`/events/${e.id}`}
                    class={`dot ${e.riskLevel ?? 'pending'}`}
                    style={{ left: `${((at.getTime() - start) / 86_400_000) * 100}%` }}
                    title={`${at.toLocaleTimeString()} ${e.riskLevel ?? 'pending'}`}
                    aria-label={`${camera} ${at.toLocaleTimeString()} ${e.riskLevel ?? 'pending'}`}
                    onClick={onLink(`/events/${e.id}`)}
                  />
                );
              })}
          </div>
        </div>
      ))}
    </div>
  );
}
