import { useState } from 'preact/hooks';
import { post, type PostResult } from '../api';

type Created = PostResult<'/api/v1/bootstrap-tokens'>;

/**
 * Creates a bootstrap token for a new edge and shows, once, everything its installer needs: the
 * token, the service's CA (to save as ca.pem) and the exact enrolment command.
 */
export function BootstrapTokenForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [hours, setHours] = useState('24');
  const [cameras, setCameras] = useState('');
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [caUrl, setCaUrl] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const allowed = cameras
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean);
      const res = await post(
        '/api/v1/bootstrap-tokens',
        {},
        {
          name: name.trim(),
          expiresInHours: Number(hours),
          ...(allowed.length ? { allowedCameras: allowed } : {}),
        },
      );
      setCreated(res);
      setCaUrl(URL.createObjectURL(new Blob([res.caCertificatePem], { type: 'application/x-pem-file' })));
      setError(null);
      onCreated();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const command = created
    ? `uservm-edge enroll --endpoint ${created.enrollmentEndpoint} --token ${created.token} --name ${created.name} --ca ca.pem --state-dir /var/lib/uservm-edge`
    : '';
  return (
    <div class="card">
      <h2>Add an edge</h2>
      <form onSubmit={submit} class="grid-form">
        <label>
          Edge name{' '}
          <input
            id="edge-name"
            required
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
            placeholder="home-1"
          />
        </label>
        <label>
          Valid for (hours){' '}
          <input
            type="number"
            min={1}
            max={720}
            value={hours}
            onInput={(e) => setHours((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Allowed cameras (comma-separated, empty: any){' '}
          <input
            value={cameras}
            onInput={(e) => setCameras((e.target as HTMLInputElement).value)}
            placeholder="front-door, garden"
          />
        </label>
        <button type="submit" disabled={!name.trim()}>
          Create bootstrap token
        </button>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {created && (
        <div class="created" data-bootstrap-token={created.id}>
          <p>
            <strong>Shown once:</strong> copy it now. It expires{' '}
            {new Date(created.expiresAt).toLocaleString()}.
          </p>
          <label for="bootstrap-token">Token</label>
          <input
            id="bootstrap-token"
            readOnly
            value={created.token}
            onFocus={(e) => (e.target as HTMLInputElement).select()}
          />
          <p>
            1. Save the service's CA as <code>ca.pem</code> on the edge:{' '}
            {caUrl && (
              <a href={caUrl} download="ca.pem">
                download ca.pem
              </a>
            )}
          </p>
          <p>2. On the edge, run:</p>
          <pre class="command" id="enroll-command">
            {command}
          </pre>
        </div>
      )}
    </div>
  );
}
