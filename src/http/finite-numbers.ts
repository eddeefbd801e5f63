import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error.js';

interface Schema {
  type?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}
/** Beyond this a number is no longer exact, and SQLite's INTEGER overflows at 2^63. */
const inRange = (v: number) => Number.isFinite(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER;
const isNumeric = (s: { type?: unknown }) => [s.type].flat().some((t) => t === 'number' || t === 'integer');

/**
 * Refuses non-finite numbers before validation. Ajv, coercing query strings, lets "1e400" and
 * "Infinity" through as an integer even past a `maximum`, and JSON.parse turns `1e309` in a body
 * into Infinity; either reached services that cannot store or render it (500s). One rule for
 * every route: a numeric query or path parameter, and every number in a JSON body, is finite and
 * within ±(2^53-1) (exact as a JavaScript number, and far inside SQLite's 64-bit INTEGER).
 */
export function registerFiniteNumbers(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema;
    checkStrings(request.query, schema?.querystring as Schema, 'querystring');
    checkStrings(request.params, schema?.params as Schema, 'params');
    if (isJsonValue(request.body)) checkBody(request.body, schema?.body as Schema | undefined, 'body');
  });
}

function checkStrings(values: unknown, schema: Schema | undefined, where: string): void {
  if (!schema?.properties || values === null || typeof values !== 'object') return;
  for (const [name, s] of Object.entries(schema.properties)) {
    const raw = (values as Record<string, unknown>)[name];
    for (const v of [raw].flat())
      if (typeof v === 'string' && numericIn(s) && v.trim() !== '' && !inRange(Number(v)))
        throw new AppError(
          'validation_failed',
          `${where}.${name} must be a finite number within ±(2^53-1), not "${v.slice(0, 40)}"`,
        );
  }
}

/**
 * Every number of a body, and every string where the schema wants a number (Ajv coerces
 * "Infinity" and "1e400" in bodies as well as in queries).
 */
function checkBody(value: unknown, schema: Schema | undefined, path: string, depth = 0): void {
  if (typeof value === 'number' || (typeof value === 'string' && schema && numericIn(schema))) {
    const n = Number(value);
    if (typeof value === 'string' && value.trim() === '') return;
    if (!inRange(n))
      throw new AppError(
        'validation_failed',
        `${path} must be a finite number within ±(2^53-1), not ${JSON.stringify(value).slice(0, 40)}`,
      );
    return;
  }
  if (!isJsonValue(value) || depth > 32) return;
  const branches = schema
    ? [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]
    : [];
  for (const [k, v] of Object.entries(value)) {
    const sub = Array.isArray(value)
      ? branches.find((b) => b.items)?.items
      : branches.find((b) => b.properties?.[k])?.properties?.[k];
    checkBody(v, sub, `${path}.${k}`, depth + 1);
  }
}

/** Whether a schema (or one of its branches) accepts a number. */
function numericIn(schema: Schema): boolean {
  return isNumeric(schema) || [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].some(numericIn);
}

/** A parsed JSON object or array (never a raw body stream, a Buffer or another class). */
function isJsonValue(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}
