import { useState } from 'preact/hooks';
import { ownerKey } from '../decrypt';

/**
 * Takes the owner's age identity: pasted or read from the owner.key file, both in the page only.
 * "Remember on this device" keeps it in this browser's IndexedDB; nothing goes to the server.
 */
export function OwnerKeyForm({ busy, onReady }: { busy: boolean; onReady: () => void }) {
  const [text, setText] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      if (!ownerKey.has() || text.trim()) await ownerKey.set(text, remember);
      setText('');
      setError(null);
      onReady();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const load = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) setText(await file.text());
  };
  return (
    <form class="decrypt" onSubmit={submit}>
      {!ownerKey.has() && (
        <>
          <label for="owner-key">Owner key (decrypts here, never sent)</label>
          <textarea
            id="owner-key"
            rows={2}
            spellcheck={false}
            autocomplete="off"
            placeholder="AGE-SECRET-KEY-1..."
            value={text}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
          />
          <label class="inline">
            or load owner.key <input type="file" accept=".key,.txt,text/plain" onChange={load} />
          </label>
          <label class="inline">
            <input
              type="checkbox"
              id="remember-key"
              checked={remember}
              onChange={(e) => setRemember((e.target as HTMLInputElement).checked)}
            />{' '}
            remember on this device
          </label>
        </>
      )}
      <button type="submit" disabled={busy || (!ownerKey.has() && !text.trim())}>
        {busy ? 'Decrypting…' : 'Decrypt snapshots'}
      </button>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </form>
  );
}
