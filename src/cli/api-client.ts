/**
 * A small client for the service's REST API, for CLI commands that ask the running service to do
 * work (imports, training) rather than opening its database. Errors come back with the API's
 * code and message.
 */
import type { Readable } from 'node:stream';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The API's error (its code and message) from a failed response's parsed body. */
function errorOf(status: number, json: unknown): ApiError {
  const e = (json as { error?: { code: string; message: string } } | undefined)?.error;
  return new ApiError(status, e?.code ?? 'http_error', e?.message ?? `HTTP ${status}`);
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'content-type': contentType } : {}),
      },
      ...(body !== undefined
        ? {
            body: contentType === 'application/json' ? JSON.stringify(body) : (body as never),
            duplex: 'half',
          }
        : {}),
    } as RequestInit);
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) throw errorOf(res.status, json);
    return json as T;
  }

  /** The raw bytes of `path` (an encrypted snapshot or clip). */
  async download(path: string): Promise<Buffer> {
    const res = await fetch(new URL(path, this.baseUrl), {
      headers: { authorization: `Bearer ${this.token}` },
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    if (!res.ok) {
      let json: unknown;
      try {
        json = JSON.parse(bytes.toString('utf8'));
      } catch {
        // not an API error body
      }
      throw errorOf(res.status, json);
    }
    return bytes;
  }

  upload<T>(path: string, body: Readable | Buffer, contentType: string): Promise<T> {
    return this.request<T>('POST', path, body, contentType);
  }

  /** Server-sent events of `path`, one callback per event, until the server ends the stream. */
  async events(path: string, onEvent: (event: string, data: unknown) => void): Promise<void> {
    const res = await fetch(new URL(path, this.baseUrl), {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (!res.ok || !res.body)
      throw new ApiError(res.status, 'http_error', `event stream failed: HTTP ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) onEvent(event, JSON.parse(data));
      }
    }
  }
}
