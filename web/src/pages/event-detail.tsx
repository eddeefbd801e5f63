import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, bytes, get, post, type GetResult } from '../api';
import { decrypt, ownerKey } from '../decrypt';
import { RiskBadge } from './risk-badge';

type EventDetailView = GetResult<'/api/v1/events/{id}'>;
/** The parts of the analysis report the page shows (the API documents it as free-form). */
interface Report {
  risk: { score: number; level: string; factors: { factor: string; effect: number }[] };
  explanation: string;
  findings: {
    type: string;
    label?: string;
    score: number;
    box?: { x1: number; y1: number; x2: number; y2: number };
  }[];
  edgeComparison: { edgeScore: number | null; serverScore: number | null; serverThreshold: number | null };
  inputs: {
    frames: {
      width: number;
      height: number;
      detections: { label: string; score: number; box: { x1: number; y1: number; x2: number; y2: number } }[];
    }[];
  };
}

export function EventDetail({ id }: { id: string }) {
  const [event, setEvent] = useState<EventDetailView | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [keyText, setKeyText] = useState('');
  const [frames, setFrames] = useState<ImageBitmap[]>([]);
  const [decrypting, setDecrypting] = useState(false);
  const [feedback, setFeedback] = useState<string | null>(null);
  const admin = sessionStorage.getItem('uservm.role') === 'admin';

  const loadReport = () =>
    get('/api/v1/events/{id}/report', { id })
      .then((r) => setReport(r as unknown as Report))
      .catch((e: unknown) => {
        if (!(e instanceof ApiError && e.status === 404)) setError((e as Error).message);
      });
  useEffect(() => {
    get('/api/v1/events/{id}', { id })
      .then(setEvent)
      .catch((e: Error) => setError(e.message));
    void loadReport();
  }, [id]);

  const decryptAll = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDecrypting(true);
    try {
      if (keyText) ownerKey.set(keyText);
      setKeyText('');
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
      setDecrypting(false);
    }
  };

  const give = async (kind: 'false_positive' | 'confirmed') => {
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

  if (!event)
    return error ? (
      <p role="alert" class="error">
        {error}
      </p>
    ) : (
      <p>Loading…</p>
    );
  return (
    <section>
      <h1>
        <RiskBadge score={event.riskScore} level={event.riskLevel} status={event.analysisStatus} />{' '}
        {event.cameraId}
      </h1>
      <p class="meta">
        {new Date(event.startedAt).toLocaleString()} · {event.trigger} · {event.frameCount} frames ·{' '}
        {event.id}
      </p>
      <p class="explanation">
        {report?.explanation ?? event.explanation ?? event.analysisError ?? 'waiting for analysis'}
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {report && (
        <>
          <ul class="chips">
            {report.findings.map((f) => (
              <li class="chip">
                {f.type.replace('_', ' ')}
                {f.label ? `: ${f.label}` : ''} ({f.score.toFixed(2)})
              </li>
            ))}
          </ul>
          <details>
            <summary>Risk factors and scores</summary>
            <ul>
              {report.risk.factors.map((f) => (
                <li>
                  {f.factor}: {f.effect > 0 ? '+' : ''}
                  {f.effect.toFixed(1)}
                </li>
              ))}
              <li>
                edge score {report.edgeComparison.edgeScore ?? '–'}, server score{' '}
                {report.edgeComparison.serverScore ?? '–'}
                {report.edgeComparison.serverThreshold !== null
                  ? ` (threshold ${report.edgeComparison.serverThreshold})`
                  : ''}
              </li>
            </ul>
          </details>
        </>
      )}
      {frames.length === 0 ? (
        <form class="decrypt" onSubmit={decryptAll}>
          {!ownerKey.has() && (
            <>
              <label for="owner-key">Owner key (decrypts here, never sent)</label>
              <textarea
                id="owner-key"
                rows={2}
                spellcheck={false}
                placeholder="AGE-SECRET-KEY-1..."
                value={keyText}
                onInput={(e) => setKeyText((e.target as HTMLTextAreaElement).value)}
              />
            </>
          )}
          <button type="submit" disabled={decrypting || (!ownerKey.has() && !keyText.trim())}>
            {decrypting ? 'Decrypting…' : 'Decrypt snapshots'}
          </button>
        </form>
      ) : (
        <div class="frames">
          {frames.map((bitmap, n) => (
            <Frame bitmap={bitmap} boxes={report?.inputs.frames[n]?.detections ?? []} index={n} />
          ))}
        </div>
      )}
      {admin && report && (
        <div class="feedback">
          <button type="button" onClick={() => give('false_positive')}>
            False positive
          </button>
          <button type="button" onClick={() => give('confirmed')}>
            Confirmed
          </button>
          {feedback && <p role="status">{feedback}</p>}
        </div>
      )}
    </section>
  );
}

/** The decrypted frame on one canvas, the detected objects' boxes on another above it. */
function Frame({
  bitmap,
  boxes,
  index,
}: {
  bitmap: ImageBitmap;
  boxes: Report['inputs']['frames'][number]['detections'];
  index: number;
}) {
  const image = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    image.current!.getContext('2d')!.drawImage(bitmap, 0, 0);
    const g = overlay.current!.getContext('2d')!;
    g.clearRect(0, 0, bitmap.width, bitmap.height);
    g.lineWidth = 2;
    g.font = '14px sans-serif';
    for (const d of boxes) {
      g.strokeStyle = g.fillStyle = d.label === 'person' ? '#ff5a5f' : '#2ec4b6';
      g.strokeRect(d.box.x1, d.box.y1, d.box.x2 - d.box.x1, d.box.y2 - d.box.y1);
      g.fillText(`${d.label} ${d.score.toFixed(2)}`, d.box.x1 + 2, Math.max(14, d.box.y1 - 4));
    }
  }, [bitmap, boxes]);
  return (
    <figure class="frame">
      <canvas ref={image} width={bitmap.width} height={bitmap.height} data-frame={index} />
      <canvas ref={overlay} width={bitmap.width} height={bitmap.height} class="overlay" />
    </figure>
  );
}
