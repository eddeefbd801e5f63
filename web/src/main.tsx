import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session } from './api';
import { EventDetail } from './pages/event-detail';
import { Events } from './pages/events';
import { SignIn } from './pages/sign-in';
import './styles.css';

/** History routing: `/`, `/events/{id}`; everything else falls back to the events list. */
export function navigate(to: string): void {
  history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

function App() {
  const [path, setPath] = useState(location.pathname);
  const [signedIn, setSignedIn] = useState(session.token() !== null);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  const signOut = () => {
    session.signOut();
    setSignedIn(false);
  };
  const event = /^\/events\/([\w-]+)$/.exec(path);
  return (
    <>
      <header>
        <a href="/" onClick={(e) => (e.preventDefault(), navigate('/'))} class="brand">
          uservm
        </a>
        <nav>
          <a href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
            Events
          </a>
          <a href="/docs">API</a>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </nav>
      </header>
      <main>{event ? <EventDetail id={event[1]!} /> : <Events />}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
