/**
 * Live updates over server-sent events. EventSource cannot send an Authorization header and the
 * token must never go in a URL, so this reads the stream with fetch and parses it; it reconnects
 * after a dropped connection unless `reconnect` is false (a stream that ends on its own).
 */
import { authorisedFetch } from './api';

export function followStream(
  url: string,
  onMessage: (type: string, data: unknown) => void,
  reconnect = true,
): () => void {
  const abort = new AbortController();
  let retry: ReturnType<typeof setTimeout> | undefined;
  const connect = async () => {
    try {
      const res = await authorisedFetch(url, { signal: abort.signal });
      if (!res.ok || !res.body) throw new Error(`live updates: ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = message.split('\n');
          const type = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
          const data = lines
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (data) onMessage(type, JSON.parse(data));
        }
      }
      if (!reconnect) return;
    } catch {
      // Dropped, refused or stopped: try again unless stopped.
    }
    if (!abort.signal.aborted) retry = setTimeout(() => void connect(), 3000);
  };
  void connect();
  return () => {
    abort.abort();
    clearTimeout(retry);
  };
}

/** The ids of events accepted, analysed, re-scored or deleted, as they happen. */
export function followEventChanges(onChange: (ids: string[]) => void): () => void {
  return followStream('/api/v1/events/changes', (type, data) => {
    if (type === 'changed') onChange((data as { ids: string[] }).ids);
  });
}
