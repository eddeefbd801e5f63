import { get, type GetResult } from '../api';
import { ErrorNote } from '../components/error-note';
import { bytesText, useLoad, when } from '../use-load';

type Health = GetResult<'/api/v1/health'>;
type Reasons = Health['service']['reasons'];

const Status = ({ status }: { status: string }) => (
  <span class={`badge ${status === 'healthy' ? 'normal' : status === 'degraded' ? 'warning' : 'critical'}`}>
    {status}
  </span>
);
const Why = ({ reasons }: { reasons: Reasons }) =>
  reasons.length ? (
    <ul class="reasons">
      {reasons.map((r) => (
        <li>{r.message}</li>
      ))}
    </ul>
  ) : null;

/** The health tree with its reasons, storage per camera against its quota, and recent jobs. */
export function System() {
  const health = useLoad(() => get('/api/v1/health'), []);
  const storage = useLoad(() => get('/api/v1/storage'), []);
  const jobs = useLoad(() => get('/api/v1/jobs', {}, { limit: '25' }), []);
  const h = health.data;
  return (
    <section>
      <h1>System</h1>
      <ErrorNote error={health.error ?? storage.error ?? jobs.error} />
      {h && (
        <div class="card" data-health={h.status}>
          <h2>
            Health <Status status={h.status} />
          </h2>
          <p class="meta">as of {when(h.at)}</p>
          <p>
            Service <Status status={h.service.status} />
          </p>
          <Why reasons={h.service.reasons} />
          <ul class="tree">
            {h.edges.map((e) => (
              <li>
                Edge {e.name} <Status status={e.status} />
                <Why reasons={e.reasons} />
                <ul>
                  {e.cameras.map((c) => (
                    <li>
                      Camera {c.name || c.id} <Status status={c.status} />
                      <Why reasons={c.reasons} />
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </div>
      )}
      {storage.data && (
        <div class="card">
          <h2>Storage</h2>
          <p>
            {bytesText(storage.data.totalUsedBytes)} used
            {storage.data.maxTotalBytes ? ` of ${bytesText(storage.data.maxTotalBytes)}` : ''}
          </p>
          {storage.data.cameras.map((c) => (
            <div class="usage">
              <span>
                {c.cameraId}: {bytesText(c.usedBytes)} of {bytesText(c.quotaBytes)} ({c.objectCount} objects,
                kept {c.retentionDays} days)
              </span>
              <progress max={100} value={Math.min(100, c.percent)} class={c.warning ? 'warn' : ''}>
                {c.percent} %
              </progress>
            </div>
          ))}
        </div>
      )}
      {jobs.data && (
        <div class="card">
          <h2>Recent jobs</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Type</th>
                  <th>Status</th>
                  <th>Attempts</th>
                  <th>Created</th>
                  <th>Error</th>
                </tr>
              </thead>
              <tbody>
                {jobs.data.items.map((j) => (
                  <tr>
                    <td>{j.type}</td>
                    <td>{j.status}</td>
                    <td>
                      {j.attempts}/{j.maxAttempts}
                    </td>
                    <td>{when(j.createdAt)}</td>
                    <td>{j.lastError ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
