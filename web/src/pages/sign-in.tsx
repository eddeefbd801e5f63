import { useState } from 'preact/hooks';
import { get, session } from '../api';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    session.signIn(token.trim());
    try {
      const me = await get('/api/v1/tokens/current');
      sessionStorage.setItem('uservm.role', me.role);
      sessionStorage.setItem('uservm.name', me.name);
      onSignedIn();
    } catch (err) {
      session.signOut();
      setError((err as Error).message);
    }
  };
  return (
    <main class="narrow">
      <h1>Sign in</h1>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          placeholder="uvm_..."
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={!token.trim()}>
          Sign in
        </button>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <p class="hint">
          The token stays in this tab (session storage) and is sent only in the Authorization header. Create
          one with <code>uservm token create --name me --role viewer</code>.
        </p>
      </form>
    </main>
  );
}
