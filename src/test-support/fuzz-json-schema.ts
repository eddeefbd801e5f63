import fc from 'fast-check';

/** The subset of JSON Schema that Fastify's OpenAPI document uses for our routes. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  format?: string;
  nullable?: boolean;
}

/** Stands for Infinity in a generated body; sent as the JSON text `1e309`, which parses to Infinity. */
export const INFINITY_TOKEN = '\u0000inf\u0000';

/** Numbers an attacker or a careless client sends: edges, overflow, precision loss. */
export const nastyNumber = fc.constantFrom<number | string>(
  -1,
  0,
  -0,
  0.5,
  1e308,
  -1e308,
  2 ** 53,
  2 ** 63,
  2 ** 64,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  Number.EPSILON,
  INFINITY_TOKEN,
);

/** Strings that have broken parsers, paths and logs elsewhere. */
export const nastyString = fc.constantFrom(
  '',
  ' ',
  '../../etc/passwd',
  '..\\..\\windows',
  '/abs/path',
  'C:\\x',
  '%00',
  '\u0000',
  'a'.repeat(5000),
  '😀'.repeat(50),
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  'Infinity',
  'NaN',
  '1e400',
  '-1',
  '9223372036854775808',
  'null',
  'true',
  '{}',
  '0001-01-01T00:00:00Z',
  '275760-09-13T00:00:00.001Z',
  '2026-02-30T25:61:00Z',
);

/** Any JSON value, for a field given the wrong type altogether. */
const anyJson = fc.oneof(
  { depthSize: 'small' },
  fc.constant(null),
  fc.boolean(),
  nastyNumber,
  nastyString,
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant({}),
);

/**
 * Values for `schema`: mostly valid ones (so requests get past validation into the handlers,
 * where the bugs are), mixed with boundary and hostile ones, and now and then the wrong type.
 */
export function fromSchema(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const valid = validFor(schema, depth);
  return fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: anyJson, weight: 1 });
}

function validFor(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => validFor(s, depth)));
  if (schema.allOf) return validFor(Object.assign({}, ...schema.allOf) as JsonSchema, depth);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const base = (() => {
    switch (type) {
      case 'integer':
      case 'number': {
        const min = schema.minimum ?? schema.exclusiveMinimum ?? -1e6;
        const max = schema.maximum ?? schema.exclusiveMaximum ?? 1e6;
        const inRange =
          type === 'integer'
            ? fc.integer({ min: Math.ceil(Math.max(min, -1e9)), max: Math.floor(Math.min(max, 1e9)) })
            : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
        return fc.oneof({ arbitrary: inRange, weight: 2 }, { arbitrary: nastyNumber, weight: 1 });
      }
      case 'boolean':
        return fc.boolean();
      case 'string': {
        const text =
          schema.format === 'date-time'
            ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
            : fc.string({
                minLength: schema.minLength ?? 0,
                maxLength: Math.min(schema.maxLength ?? 40, 40),
              });
        return fc.oneof({ arbitrary: text, weight: 4 }, { arbitrary: nastyString, weight: 1 });
      }
      case 'array':
        return depth > 3
          ? fc.constant([])
          : fc.array(schema.items ? fromSchema(schema.items, depth + 1) : anyJson, {
              maxLength: Math.min(schema.maxItems ?? 5, 5),
            });
      case 'object':
      case undefined: {
        if (!schema.properties) return fc.constant({});
        const required = new Set(schema.required ?? []);
        const entries = Object.entries(schema.properties);
        const shape = Object.fromEntries(entries.map(([k, s]) => [k, fromSchema(s, depth + 1)]));
        return fc.record(shape, {
          requiredKeys: entries.map(([k]) => k).filter((k) => required.has(k)),
        });
      }
      default:
        return anyJson;
    }
  })();
  return schema.nullable ? fc.oneof(base, fc.constant(null)) : base;
}

/** A query-string value: what the schema wants, written as text, or something hostile. */
export function queryValue(schema: JsonSchema): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: validFor(schema, 0).map((v) => (v === INFINITY_TOKEN ? 'Infinity' : String(v))), weight: 4 },
    { arbitrary: nastyString, weight: 2 },
  );
}

/** JSON text for a generated body; Infinity tokens become `1e309`. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value).replaceAll(JSON.stringify(INFINITY_TOKEN), '1e309');
}
