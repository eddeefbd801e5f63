import { Type, type TSchema } from '@sinclair/typebox';

/** The one error body of the REST API. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code from the error catalogue.' }),
      message: Type.String({ description: 'What was wrong, for people.' }),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      requestId: Type.String(),
    }),
  },
  { $id: 'ErrorBody', title: 'Error' },
);

/** Response map for a route: its success schema plus the error body for the usual failures. */
export function responses<S extends Record<number, TSchema>>(success: S) {
  const error = Type.Ref('ErrorBody');
  return { ...success, 400: error, 401: error, 403: error, 404: error, 500: error } as S &
    Record<400 | 401 | 403 | 404 | 500, TSchema>;
}

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** A string enum as plain JSON Schema `enum`, so a wrong value gets one clear message listing the allowed ones. */
export function StringEnum<T extends string>(values: readonly T[], options: { description?: string } = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

/** An optional comma-separated list in a query string (`?cameras=a,b`). */
export const CsvQuery = (description: string) =>
  Type.Optional(Type.String({ maxLength: 2000, description: `${description} (comma-separated)` }));

/** The items of a CsvQuery value, trimmed, without empty ones; undefined when absent. */
export const splitCsv = (v?: string): string[] | undefined =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

/** Who made a change, for the audit log: the calling API token. */
export const actor = (p?: { tokenId: string }) => (p ? `token:${p.tokenId}` : 'unknown');
