import { useEffect, useState } from 'preact/hooks';
import { get, type GetResult } from '../api';
import { AuthedImage } from '../components/authed-image';
import { ErrorNote } from '../components/error-note';
import { LossCurve } from '../components/loss-curve';
import { followStream } from '../live';
import { useLoad, when } from '../use-load';

type Camera = GetResult<'/api/v1/cameras'>['items'][number];
type Epoch = GetResult<'/api/v1/training-jobs/{id}/metrics'>['epochs'][number];

const READINESS: Record<Camera['readiness'], string> = {
  needs_snapshots: 'needs normal snapshots',
  ready_for_training: 'ready for training',
  training: 'training',
  model_deployed: 'model deployed',
};

/** Every camera: readiness and what is missing, its model and training, its baseline. */
export function Cameras() {
  const { data, error } = useLoad(() => get('/api/v1/cameras'), []);
  if (!data) return error ? <ErrorNote error={error} /> : <p>Loading…</p>;
  return (
    <section>
      <h1>Cameras</h1>
      {data.items.length === 0 && <p>No cameras yet: enrol an edge (Edges) and its cameras appear here.</p>}
      {data.items.map((c) => (
        <CameraCard camera={c} />
      ))}
    </section>
  );
}

function CameraCard({ camera: c }: { camera: Camera }) {
  const id = c.id;
  const dataset = useLoad(() => get('/api/v1/cameras/{id}/dataset', { id }), [id]);
  const datasets = useLoad(() => get('/api/v1/datasets', {}, { cameraId: id }), [id]);
  const models = useLoad(() => get('/api/v1/models', {}, { cameraId: id }), [id]);
  // Baselines are built from normal snapshots: a camera without any has none to ask for.
  const hasSnapshots = (c.labelledSnapshotCounts.normal ?? 0) > 0;
  const baseline = useLoad(
    () =>
      hasSnapshots ? get('/api/v1/cameras/{id}/baseline', { id }).catch(() => null) : Promise.resolve(null),
    [id, hasSnapshots],
  );
  const jobs = useLoad(() => get('/api/v1/training-jobs', {}, { cameraId: id, limit: '1' }), [id]);
  const job = jobs.data?.items[0];
  const active = models.data?.items.find((m) => m.status === 'active') ?? models.data?.items[0];
  const calibration = (
    active?.metrics as { calibration?: { imageAuroc?: number; falsePositiveUpper95?: number } }
  )?.calibration;
  const counts = Object.entries(c.labelledSnapshotCounts);
  // Light, weather and season of the normal snapshots: a camera with only daytime ones has no
  // night model of normal yet.
  const conditions = Object.entries(
    (datasets.data?.items ?? []).reduce<Record<string, Record<string, number>>>((all, d) => {
      for (const [kind, values] of Object.entries(d.conditions))
        for (const [v, n] of Object.entries(values)) (all[kind] ??= {})[v] = (all[kind][v] ?? 0) + n;
      return all;
    }, {}),
  );
  return (
    <article class="card" data-camera={id}>
      <h2>
        {c.name || id}{' '}
        <span class={`badge ${c.online ? 'normal' : 'pending'}`}>{c.online ? 'online' : 'offline'}</span>
      </h2>
      <p class="meta">
        {id} on edge {c.edgeId}
        {c.width && c.height ? ` · ${c.width}×${c.height}` : ''} · last seen {when(c.lastSeenAt)}
      </p>
      <p>
        <strong>{READINESS[c.readiness]}</strong>
        {dataset.data && dataset.data.normalSnapshotsMissing > 0 && (
          <>
            {' '}
            — {dataset.data.normalSnapshotsMissing} more normal snapshots needed (of{' '}
            {dataset.data.minNormalSnapshots})
          </>
        )}
      </p>
      <p class="meta">
        Snapshots: {counts.length ? counts.map(([k, v]) => `${k} ${v}`).join(', ') : 'none yet'}
      </p>
      {conditions.length > 0 && (
        <p class="meta" data-conditions>
          By condition:{' '}
          {conditions
            .map(
              ([kind, values]) =>
                `${kind} ${Object.entries(values)
                  .map(([v, n]) => `${v} ${n}`)
                  .join(' / ')}`,
            )
            .join('; ')}
        </p>
      )}
      {active && (
        <p class="model">
          Model {active.name} v{active.version} ({active.status}) · threshold{' '}
          {active.threshold?.toFixed(3) ?? '–'}
          {calibration?.imageAuroc !== undefined && ` · AUROC ${calibration.imageAuroc.toFixed(2)}`}
          {calibration?.falsePositiveUpper95 !== undefined &&
            ` · expected false triggers ≤ ${(calibration.falsePositiveUpper95 * 100).toFixed(0)} %`}
        </p>
      )}
      {job && <Training job={job} />}
      {baseline.data && (
        <details>
          <summary>
            Baseline v{baseline.data.version}: {baseline.data.snapshotCount} snapshots,{' '}
            {baseline.data.staticObjects.length} expected static objects
          </summary>
          <ul>
            {baseline.data.staticObjects.map((o) => (
              <li>
                {o.label}, present in {Math.round(o.presence * 100)} % of {o.snapshots} snapshots
              </li>
            ))}
          </ul>
          <Heatmap
            cameraId={id}
            labels={Object.keys((baseline.data.stats as { classes?: object }).classes ?? {})}
          />
        </details>
      )}
    </article>
  );
}

/** Where objects usually are, over a snapshot: all classes or one, the static objects outlined. */
function Heatmap({ cameraId, labels }: { cameraId: string; labels: string[] }) {
  const [label, setLabel] = useState('');
  const q = label ? `?label=${encodeURIComponent(label)}` : '';
  return (
    <>
      <label class="inline">
        Heatmap of{' '}
        <select value={label} onChange={(e) => setLabel((e.target as HTMLSelectElement).value)}>
          <option value="">every class</option>
          {labels.sort().map((l) => (
            <option value={l}>{l}</option>
          ))}
        </select>
      </label>
      <AuthedImage
        src={`/api/v1/cameras/${encodeURIComponent(cameraId)}/baseline/heatmap.png${q}`}
        alt={`where ${label || 'objects'} usually are`}
      />
    </>
  );
}

/** The camera's latest training job; followed live while it runs (stage, epochs, done). */
function Training({ job }: { job: GetResult<'/api/v1/training-jobs'>['items'][number] }) {
  const [epochs, setEpochs] = useState<Epoch[]>([]);
  const [status, setStatus] = useState(job.status);
  const [stage, setStage] = useState<string | null>(null);
  useEffect(() => {
    void get('/api/v1/training-jobs/{id}/metrics', { id: job.id }).then((m) => setEpochs(m.epochs));
    if (job.status !== 'queued' && job.status !== 'running') return;
    return followStream(
      `/api/v1/training-jobs/${encodeURIComponent(job.id)}/events`,
      (type, data) => {
        if (type === 'epoch')
          setEpochs((e) => [...e.filter((x) => x.epoch !== (data as Epoch).epoch), data as Epoch]);
        if (type === 'stage') setStage((data as { stage?: string }).stage ?? null);
        if (type === 'done') setStatus((data as { status: string }).status);
      },
      false,
    );
  }, [job.id]);
  return (
    <div class="training" data-training={status}>
      <p>
        Training {status}
        {stage && status === 'running' ? ` (${stage})` : ''} · started {when(job.startedAt ?? job.createdAt)}
        {job.error ? ` · ${job.error}` : ''}
      </p>
      <LossCurve epochs={epochs} />
    </div>
  );
}
