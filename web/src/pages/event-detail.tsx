import { useEffect, useState } from 'preact/hooks';
import { ApiError, bytes, get, post, setReviewed, type GetResult } from '../api';
import { readClip, type Clip } from '../clip';
import { ClipPlayer } from '../components/clip-player';
import { ErrorNote } from '../components/error-note';
import { FrameView, type Overlay } from '../components/frame-view';
import { OwnerKeyForm } from '../components/owner-key-form';
import { RiskBadge } from '../components/risk-badge';
import { decrypt, ownerKey } from '../decrypt';
import { followEventChanges } from '../live';
import { onLink } from '../router';
import { isAdmin } from '../use-load';
import { ReportView, type Report } from '../components/report-view';

type EventDetailView = GetResult<'/api/v1/events/{id}'>;

/** Finding boxes are shares of the image (0..1); detections are pixels. */
function overlays(report: Report | null, frames: ImageBitmap[]): Overlay[] {
  return frames.map((bitmap, n) => {
    const last = n === frames.length - 1;
    return {
      detections: report?.inputs.frames[n]?.detections ?? [],
      regions: !last
        ? []
        : (report?.findings ?? [])
            .flatMap((f) => {
              if (!f.box) return [];
              const b = f.box;
              const scale = b.x2 <= 1 && b.y2 <= 1 ? [bitmap.width, bitmap.height] : [1, 1];
              const box = {
                x1: b.x1 * scale[0]!,
                y1: b.y1 * scale[1]!,
                x2: b.x2 * scale[0]!,
                y2: b.y2 * scale[1]!,
              };
              return [{ label: `${f.type.replace('_', ' ')}${f.label ? `: ${f.label}` : ''}`, box }];
            })
            // Findings about the same object share one outline and one label.
            .reduce<Overlay['regions']>((out, r) => {
              const same = out.find((o) => JSON.stringify(o.box) === JSON.stringify(r.box));
              if (same) same.label += `, ${r.label}`;
              else out.push(r);
              return out;
            }, []),
    };
  });
}

export function EventDetail({ id }: { id: string }) {
  const [event, setEvent] = useState<EventDetailView | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [frames, setFrames] = useState<ImageBitmap[]>([]);
  const [clip, setClip] = useState<Clip | null>(null);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<string | null>(null);

  const load = () =>
    Promise.all([
      get('/api/v1/events/{id}', { id }).then(setEvent),
      get('/api/v1/events/{id}/report', { id })
        .then((r) => setReport(r as unknown as Report))
        .catch((e: unknown) => {
          if (!(e instanceof ApiError && e.status === 404)) throw e;
        }),
    ]).catch((e: Error) => setError(e.message));
  useEffect(() => {
    void load();
    return followEventChanges((ids) => ids.includes(id) && void load());
  }, [id]);
  // A key remembered on this device decrypts as soon as the event is known.
  useEffect(() => {
    if (event && frames.length === 0) void ownerKey.restore().then((has) => has && void decryptSnapshots());
  }, [event?.id]);

  const decryptSnapshots = async () => {
    setError(null);
    setBusy(true);
    try {
      const out: ImageBitmap[] = [];
      for (let n = 0; n < (event?.frameCount ?? 0); n++) {
        const plain = await decrypt(await bytes('/api/v1/events/{id}/snapshots/{n}', { id, n: String(n) }));
        out.push(
          await createImageBitmap(new Blob([plain as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' })),
        );
      }
      setFrames(out);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const playClip = async () => {
    setError(null);
    setBusy(true);
    try {
      setClip(readClip(await decrypt(await bytes('/api/v1/events/{id}/clip', { id }))));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const give = async (kind: 'false_positive' | 'confirmed' | 'false_negative') => {
    try {
      await post('/api/v1/events/{id}/feedback', { id }, { kind });
      const r = (await post('/api/v1/events/{id}/rescore', { id }, {})) as unknown as { after: Report };
      setReport(r.after);
      setFeedback(
        `${kind.replace('_', ' ')} recorded; re-scored: ${r.after.risk.level} (${Math.round(r.after.risk.score)})`,
      );
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const toggleReview = async () => {
    try {
      await setReviewed([id], !event?.reviewedAt);
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (!event) return error ? <ErrorNote error={error} /> : <p>Loading…</p>;
  return (
    <section>
      <h1>
        <RiskBadge score={event.riskScore} level={event.riskLevel} status={event.analysisStatus} />{' '}
        {event.cameraId}
      </h1>
      <p class="meta">
        {new Date(event.startedAt).toLocaleString()} · {event.trigger} · {event.frameCount} frames ·{' '}
        {event.id}
        {event.incidentId && (
          <>
            {' · '}
            <a href={`/incidents/${event.incidentId}`} onClick={onLink(`/incidents/${event.incidentId}`)}>
              its incident
            </a>
          </>
        )}
      </p>
      <p class="explanation">
        {report?.explanation ?? event.explanation ?? event.analysisError ?? 'waiting for analysis'}
      </p>
      <div class="actions">
        <button
          type="button"
          class="secondary"
          aria-pressed={event.reviewedAt !== null}
          onClick={toggleReview}
        >
          {event.reviewedAt
            ? `Reviewed ${new Date(event.reviewedAt).toLocaleString()} (undo)`
            : 'Mark reviewed'}
        </button>
        {ownerKey.has() && (
          <button
            type="button"
            class="secondary"
            onClick={() => void ownerKey.forget().then(() => setFrames([]))}
          >
            Forget owner key
          </button>
        )}
      </div>
      <ErrorNote error={error} />
      {report && <ReportView report={report} />}
      {frames.length === 0 ? (
        <OwnerKeyForm busy={busy} onReady={() => void decryptSnapshots()} />
      ) : (
        <div class="frames">
          {overlays(report, frames).map((overlay, n) => (
            <FrameView bitmap={frames[n]!} overlay={overlay} index={n} />
          ))}
        </div>
      )}
      {event.hasClip && frames.length > 0 && !clip && (
        <button type="button" class="play" disabled={busy} onClick={() => void playClip()}>
          {busy ? 'Decrypting…' : 'Play clip'}
        </button>
      )}
      {clip && (
        <>
          <h2>Clip</h2>
          <ClipPlayer clip={clip} />
        </>
      )}
      {isAdmin() && report && (
        <div class="feedback">
          <button type="button" onClick={() => give('false_positive')}>
            False positive
          </button>
          <button type="button" onClick={() => give('confirmed')}>
            Confirmed
          </button>
          <button type="button" onClick={() => give('false_negative')}>
            Missed something
          </button>
          {feedback && <p role="status">{feedback}</p>}
        </div>
      )}
    </section>
  );
}
