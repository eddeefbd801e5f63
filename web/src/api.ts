/**
 * The console's REST client, typed from the service's own OpenAPI document (api-types.ts, generated).
 * The API token lives in sessionStorage (gone with the tab) and only ever travels in the
 * Authorization header, never in a URL.
 */
import type { paths } from './api-types';

const TOKEN_KEY = 'uservm.token';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
};

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
export type GetResult<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } }
  ? JsonOf<R>
  : never;
export type PostResult<P extends keyof paths> = paths[P] extends { post: { responses: { 200: infer R } } }
  ? JsonOf<R>
  : paths[P] extends { post: { responses: { 201: infer R } } }
    ? JsonOf<R>
    : never;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const fill = (path: string, params: Record<string, string>) =>
  path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? ''));

/** fetch with the signed-in token in the Authorization header (every request the console makes). */
export function authorisedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const token = session.token();
  return fetch(url, {
    ...init,
    headers: {
      ...(init.headers as Record<string, string>),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
}

async function call(method: string, url: string, body?: unknown): Promise<Response> {
  const res = await authorisedFetch(url, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  if (!res.ok) {
    const err = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(
      res.status,
      err.error?.code ?? 'http_error',
      err.error?.message ?? `${res.status} ${res.statusText}`,
    );
  }
  return res;
}

export async function get<P extends keyof paths>(
  path: P,
  params: Record<string, string> = {},
  query: Record<string, string | undefined> = {},
): Promise<GetResult<P>> {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1]));
  const url = fill(path as string, params) + (q.size ? `?${q}` : '');
  return (await call('GET', url)).json() as Promise<GetResult<P>>;
}

export async function post<P extends keyof paths>(
  path: P,
  params: Record<string, string>,
  body: unknown,
): Promise<PostResult<P>> {
  return (await call('POST', fill(path as string, params), body)).json() as Promise<PostResult<P>>;
}

/** Raw bytes (ciphertext of an event's snapshot or clip). */
export async function bytes(path: keyof paths, params: Record<string, string>): Promise<Uint8Array> {
  return new Uint8Array(await (await call('GET', fill(path as string, params))).arrayBuffer());
}

export async function put<P extends keyof paths>(
  path: P,
  params: Record<string, string>,
  body?: unknown,
): Promise<unknown> {
  const res = await call('PUT', fill(path as string, params), body);
  return res.status === 204 ? null : res.json();
}

export async function del<P extends keyof paths>(path: P, params: Record<string, string>): Promise<void> {
  await call('DELETE', fill(path as string, params));
}

/** Marks (or unmarks) events reviewed by the signed-in token: one, or many at once. */
export async function setReviewed(ids: string[], reviewed: boolean): Promise<void> {
  if (ids.length === 1)
    await (reviewed
      ? put('/api/v1/events/{id}/review', { id: ids[0]! })
      : del('/api/v1/events/{id}/review', { id: ids[0]! }));
  else await post('/api/v1/events/reviews', {}, { eventIds: ids, reviewed });
}
