import { useState } from 'preact/hooks';
import { get, post, put } from '../api';
import { ErrorNote } from '../components/error-note';
import { bytesText, isAdmin, useLoad, when } from '../use-load';

/** Model versions, rollouts per camera with rollback and pin for admins, and the audit log. */
export function Models() {
  const models = useLoad(() => get('/api/v1/models'), []);
  const deployments = useLoad(() => get('/api/v1/deployments', {}, { limit: '20' }), []);
  const audit = useLoad(() => get('/api/v1/audit', {}, { limit: '30' }), []);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const admin = isAdmin();
  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      setMessage(done);
      setError(null);
      await Promise.all([deployments.reload(), audit.reload()]);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section>
      <h1>Models and deployments</h1>
      <ErrorNote error={error ?? models.error ?? deployments.error} />
      {message && <p role="status">{message}</p>}
      <h2>Models</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Camera</th>
              <th>Model</th>
              <th>Status</th>
              <th>Threshold</th>
              <th>Size</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {(models.data?.items ?? []).map((m) => (
              <tr data-model={m.id}>
                <td>{m.cameraId}</td>
                <td>
                  {m.name} v{m.version}
                </td>
                <td>{m.status}</td>
                <td>{m.threshold?.toFixed(3) ?? '–'}</td>
                <td>{bytesText(m.size)}</td>
                <td>{when(m.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Deployments</h2>
      {(deployments.data?.items ?? []).length === 0 && <p>No deployments yet.</p>}
      {(deployments.data?.items ?? []).map((d) => (
        <article class="card" data-deployment={d.id}>
          <p>
            <strong>{d.status}</strong> · model {d.modelId} · {d.strategy}
            {d.rollbackOf ? ` · rolls back ${d.rollbackOf}` : ''} · {when(d.createdAt)}
            {d.reason ? ` · ${d.reason}` : ''}
          </p>
          <ul class="chips">
            {d.cameras.map((c) => (
              <li class="chip" title={c.reason ?? ''}>
                {c.cameraId}: {c.status}
                {admin &&
                  ([true, false] as const).map((pinned) => (
                    <button
                      type="button"
                      class="link"
                      onClick={() =>
                        act(
                          () => put('/api/v1/cameras/{id}/pin', { id: c.cameraId }, { pinned }),
                          `${c.cameraId} ${pinned ? 'pinned' : 'unpinned'}`,
                        )
                      }
                    >
                      {pinned ? 'pin' : 'unpin'}
                    </button>
                  ))}
              </li>
            ))}
          </ul>
          {admin && !d.rollbackOf && (
            <button
              type="button"
              class="secondary"
              onClick={() =>
                act(
                  () =>
                    post(
                      '/api/v1/deployments/{id}/rollback',
                      { id: d.id },
                      { reason: 'rolled back from the console' },
                    ),
                  `deployment ${d.id} rolled back`,
                )
              }
            >
              Roll back
            </button>
          )}
        </article>
      ))}
      <h2>Audit log</h2>
      <ul class="audit">
        {(audit.data?.items ?? []).map((a) => {
          const e = a as {
            at?: string;
            actor?: string;
            action?: string;
            subjectType?: string;
            subjectId?: string;
          };
          return (
            <li>
              {when(e.at)} · {e.actor ?? 'system'} · {e.action} {e.subjectType} {e.subjectId}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
