import { ScalarType, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';
import type { Interceptor } from '@connectrpc/connect';
import { AppError } from '../errors/app-error.js';
import { MAX_TIME_MS } from '../errors/value-checks.js';

const MAX_TIME = BigInt(MAX_TIME_MS);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

type Check = (message: Record<string, unknown>, path: string) => void;

const FLOATS = new Set([ScalarType.DOUBLE, ScalarType.FLOAT]);
const INT64S = new Set([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

/**
 * Refuses, before any handler sees it, a request that carries a number the service cannot hold:
 * a NaN or infinite float (stored, it broke every later read of the row), a 64-bit integer past
 * 2^53 (it loses precision as a JavaScript number), or a `*_at_ms` time outside what a Date can
 * represent. One rule for every field of every edge RPC, derived from the message descriptors
 * (and cached per message type), so a field added to the contract is covered without code.
 */
export function assertWireValues(schema: DescMessage, message: Message): void {
  checkerFor(schema)(message as unknown as Record<string, unknown>, '');
}

const checkers = new WeakMap<DescMessage, Check>();

function checkerFor(schema: DescMessage): Check {
  let check = checkers.get(schema);
  if (check) return check;
  // Placeholder first: recursive message types reach themselves while being built.
  const fieldChecks: Check[] = [];
  check = (m, path) => {
    for (const c of fieldChecks) c(m, path);
  };
  checkers.set(schema, check);
  for (const field of schema.fields) {
    const c = fieldCheck(field);
    if (c) fieldChecks.push(c);
  }
  if (fieldChecks.length === 0) checkers.set(schema, (check = () => undefined));
  return check;
}

function fieldCheck(field: DescField): Check | undefined {
  const name = field.localName;
  const scalarCheck = (scalar: ScalarType | undefined): ((v: unknown, where: string) => void) | undefined => {
    if (scalar === undefined) return undefined;
    if (FLOATS.has(scalar)) return (v, where) => assertFinite(v as number, where);
    if (INT64S.has(scalar)) return (v, where) => assertInt64(v as bigint, where, name.endsWith('AtMs'));
    return undefined;
  };
  const inOneof = field.oneof !== undefined;
  const get = (m: Record<string, unknown>): unknown => {
    if (!inOneof) return m[name];
    const group = m[field.oneof!.localName] as { case?: string; value?: unknown } | undefined;
    return group?.case === name ? group.value : undefined;
  };
  switch (field.fieldKind) {
    case 'scalar': {
      const c = scalarCheck(field.scalar);
      return c && ((m, path) => c(get(m), path + field.name));
    }
    case 'list': {
      if (field.listKind === 'scalar') {
        const c = scalarCheck(field.scalar);
        return (
          c && ((m, path) => (get(m) as unknown[]).forEach((v, i) => c(v, `${path}${field.name}[${i}]`)))
        );
      }
      if (field.listKind !== 'message') return undefined;
      const inner = checkerFor(field.message);
      return (m, path) =>
        (get(m) as Record<string, unknown>[]).forEach((v, i) => inner(v, `${path}${field.name}[${i}].`));
    }
    case 'map': {
      if (field.mapKind === 'scalar') {
        const c = scalarCheck(field.scalar);
        return (
          c &&
          ((m, path) => {
            for (const [k, v] of Object.entries(get(m) as Record<string, unknown>))
              c(v, `${path}${field.name}[${k}]`);
          })
        );
      }
      if (field.mapKind !== 'message') return undefined;
      const inner = checkerFor(field.message);
      return (m, path) => {
        for (const [k, v] of Object.entries(get(m) as Record<string, Record<string, unknown>>))
          inner(v, `${path}${field.name}[${k}].`);
      };
    }
    case 'message': {
      const inner = checkerFor(field.message);
      return (m, path) => {
        const v = get(m) as Record<string, unknown> | undefined;
        if (v) inner(v, `${path}${field.name}.`);
      };
    }
    default:
      return undefined;
  }
}

function assertFinite(value: number, where: string): void {
  if (!Number.isFinite(value))
    throw new AppError('validation_failed', `${where} must be a finite number, not ${value}`);
}

function assertInt64(value: bigint, where: string, isTime: boolean): void {
  if (isTime) {
    if (value < 0n || value > MAX_TIME)
      throw new AppError(
        'validation_failed',
        `${where} must be a time in epoch milliseconds (0..${MAX_TIME_MS}), not ${value}`,
      );
  } else if (value > MAX_SAFE || value < -MAX_SAFE) {
    throw new AppError('validation_failed', `${where} is ${value}, beyond 2^53-1`);
  }
}

/** Checks every request message of every call, streamed ones one by one as they arrive. */
export function wireValuesInterceptor(): Interceptor {
  return (next) => (req) => {
    const schema = req.method.input;
    if (!req.stream) {
      assertWireValues(schema, req.message as Message);
      return next(req);
    }
    const messages = req.message;
    return next({
      ...req,
      message: (async function* () {
        for await (const m of messages) {
          assertWireValues(schema, m as Message);
          yield m;
        }
      })(),
    });
  };
}
