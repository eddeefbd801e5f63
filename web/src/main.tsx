import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session } from './api';
import { onLink } from './router';
import { Cameras } from './pages/cameras';
import { Edges } from './pages/edges';
import { EventDetail } from './pages/event-detail';
import { Events } from './pages/events';
import { Incident } from './pages/incident';
import { Models } from './pages/models';
import { SignIn } from './pages/sign-in';
import { System } from './pages/system';
import './styles.css';

const NAV = [
  ['/', 'Events'],
  ['/cameras', 'Cameras'],
  ['/models', 'Models'],
  ['/edges', 'Edges'],
  ['/system', 'System'],
] as const;

function page(path: string) {
  const event = /^\/events\/([\w-]+)$/.exec(path);
  if (event) return <EventDetail id={event[1]!} />;
  const incident = /^\/incidents\/([\w-]+)$/.exec(path);
  if (incident) return <Incident id={incident[1]!} />;
  switch (path) {
    case '/cameras':
      return <Cameras />;
    case '/models':
      return <Models />;
    case '/edges':
      return <Edges />;
    case '/system':
      return <System />;
    default:
      return <Events />;
  }
}

/** History routing: `/`, `/events/{id}`, `/incidents/{id}` and one path per section. */
function App() {
  const [path, setPath] = useState(location.pathname);
  const [signedIn, setSignedIn] = useState(session.token() !== null);
  useEffect(() => {
    const on = () => (setPath(location.pathname), scrollTo(0, 0));
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  const signOut = () => {
    session.signOut();
    setSignedIn(false);
  };
  const section = NAV.find(([to]) => to !== '/' && path.startsWith(to))?.[0] ?? '/';
  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <header>
        <a href="/" onClick={onLink('/')} class="brand">
          uservm
        </a>
        <nav aria-label="Sections">
          {NAV.map(([to, label]) => (
            <a href={to} onClick={onLink(to)} aria-current={section === to ? 'page' : undefined}>
              {label}
            </a>
          ))}
          <a href="/docs">API</a>
          <span class="who">
            {sessionStorage.getItem('uservm.name')} ({sessionStorage.getItem('uservm.role')})
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </nav>
      </header>
      <main id="content" tabIndex={-1}>
        {page(path)}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
