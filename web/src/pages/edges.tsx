import { useState } from 'preact/hooks';
import { get, post, type GetResult } from '../api';
import { BootstrapTokenForm } from '../components/bootstrap-token-form';
import { ErrorNote } from '../components/error-note';
import { TelemetryCharts } from '../components/telemetry-charts';
import { bytesText, isAdmin, useLoad, when } from '../use-load';

type Edge = GetResult<'/api/v1/edges'>['items'][number];

/** Enrolled edges (status, tunnel, telemetry, revoke) and, for admins, adding a new one. */
export function Edges() {
  const edges = useLoad(() => get('/api/v1/edges'), []);
  const tokens = useLoad(
    () => (isAdmin() ? get('/api/v1/bootstrap-tokens') : Promise.resolve({ items: [] })),
    [],
  );
  return (
    <section>
      <h1>Edges</h1>
      <ErrorNote error={edges.error} />
      {edges.data?.items.length === 0 && <p>No edges enrolled yet.</p>}
      {(edges.data?.items ?? []).map((e) => (
        <EdgeCard edge={e} onChange={() => void edges.reload()} />
      ))}
      {isAdmin() && (
        <>
          <BootstrapTokenForm onCreated={() => void tokens.reload()} />
          <h2>Bootstrap tokens</h2>
          <ul class="audit">
            {(tokens.data?.items ?? []).map((t) => (
              <li>
                {t.name} ({t.prefix}…) · {t.state} · used {t.useCount}/{t.maxUses} · expires{' '}
                {when(t.expiresAt)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function EdgeCard({ edge: e, onChange }: { edge: Edge; onChange: () => void }) {
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const revoke = async (ev: Event) => {
    ev.preventDefault();
    try {
      await post(
        '/api/v1/edges/{id}/revoke',
        { id: e.id },
        { reason: reason.trim() || 'revoked from the console' },
      );
      setConfirming(false);
      onChange();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const wg = e.wireguard;
  return (
    <article class="card" data-edge={e.id}>
      <h2>
        {e.name}{' '}
        <span class={`badge ${e.status === 'revoked' ? 'critical' : e.online ? 'normal' : 'pending'}`}>
          {e.status === 'revoked' ? 'revoked' : e.online ? 'online' : 'offline'}
        </span>
      </h2>
      <p class="meta">
        {e.id} · software {e.softwareVersion ?? '–'} · last seen {when(e.lastSeenAt)} · heartbeat RTT{' '}
        {e.lastRttMs ?? '–'} ms · certificate until {when(e.certificate?.expiresAt)}
        {e.certificate?.renewalDue ? ' (renewal due)' : ''}
      </p>
      <p class="meta">
        Tunnel {wg?.address ?? '–'} · handshake{' '}
        {wg?.handshakeAgeSeconds != null ? `${Math.round(wg.handshakeAgeSeconds)} s ago` : 'never'} · rx{' '}
        {bytesText(wg?.rxBytes)} · tx {bytesText(wg?.txBytes)}
      </p>
      <p>
        Cameras:{' '}
        {e.cameras.map((c) => `${c.name || c.id} (${c.online ? 'online' : 'offline'})`).join(', ') || 'none'}
      </p>
      {e.status === 'revoked' ? (
        <p class="meta">
          Revoked {when(e.revokedAt)}: {e.revokedReason ?? 'no reason given'}
        </p>
      ) : (
        <TelemetryCharts edgeId={e.id} />
      )}
      {isAdmin() &&
        e.status !== 'revoked' &&
        (confirming ? (
          <form class="inline-form" onSubmit={revoke}>
            <label>
              Reason{' '}
              <input
                value={reason}
                onInput={(x) => setReason((x.target as HTMLInputElement).value)}
                placeholder="stolen"
              />
            </label>
            <button type="submit" class="danger">
              Revoke now
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <button type="button" class="secondary" onClick={() => setConfirming(true)}>
            Revoke…
          </button>
        ))}
      <ErrorNote error={error} />
    </article>
  );
}
