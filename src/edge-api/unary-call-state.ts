import type http2 from 'node:http2';
import { Code, ConnectError } from '@connectrpc/connect';

/**
 * What one unary call may need beyond its message, made only when asked for: most calls (a
 * heartbeat) never look at their abort signal or headers, and an AbortController plus three
 * Headers per call was a visible share of the fast path's CPU and garbage.
 */
export class UnaryCallState {
  private controller: AbortController | undefined;
  private requestHeaders: Headers | undefined;
  responseHeaders: Headers | undefined;
  responseTrailers: Headers | undefined;
  /** Set once the response is written: a close after that is not a cancellation. */
  finished = false;

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    private readonly headers: http2.IncomingHttpHeaders,
  ) {}

  /** Aborted when the client goes away before the answer, or by `abort` (the deadline). */
  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = (this.controller = new AbortController());
      const cancelled = () => new ConnectError('the client closed the call', Code.Canceled);
      if (this.stream.destroyed) controller.abort(cancelled());
      else this.stream.once('close', () => this.finished || controller.abort(cancelled()));
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    void this.signal;
    this.controller!.abort(reason);
  }

  get requestHeader(): Headers {
    return (this.requestHeaders ??= toHeaders(this.headers));
  }

  get responseHeader(): Headers {
    return (this.responseHeaders ??= new Headers());
  }

  get responseTrailer(): Headers {
    return (this.responseTrailers ??= new Headers());
  }
}

function toHeaders(headers: http2.IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}
