import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { nastyString } from './fuzz-json-schema.js';

/** Values the fuzzer should sometimes use as they are, because they get a request further in. */
export interface ProtoFuzzHints {
  /** Strings tried for fields whose name says what they are (camera ids, event ids, labels...). */
  strings: Record<string, string[]>;
  /** Byte payloads that parse (a real JPEG frame, an age file). */
  bytes: Uint8Array[];
}

const SPECIAL_FLOATS = fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, -1, 0.5);
const DOUBLE = fc.oneof({ arbitrary: fc.double(), weight: 3 }, { arbitrary: SPECIAL_FLOATS, weight: 1 });
/** float32 fields: what the wire can carry (the client refuses finite values beyond ±3.4e38). */
const FLOAT = fc.oneof(
  { arbitrary: fc.float({ noDefaultInfinity: true }).map((v) => v), weight: 3 },
  { arbitrary: fc.oneof(SPECIAL_FLOATS, fc.constant(3.4e38)), weight: 1 },
);
const INT64 = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.constantFrom(0n, 1n, -1n, 2n ** 53n, 2n ** 60n, 2n ** 63n - 1n, -(2n ** 63n), BigInt(Date.now())),
);
const UINT64 = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.constantFrom(0n, 1n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 64n - 1n, BigInt(Date.now())),
);
const INT32 = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 1, 2 ** 31 - 1, -(2 ** 31)));
const UINT32 = fc.oneof(fc.nat({ max: 2 ** 32 - 1 }), fc.constantFrom(0, 1, 2 ** 32 - 1));

function scalar(type: ScalarType, name: string, hints: ProtoFuzzHints): fc.Arbitrary<unknown> {
  switch (type) {
    case ScalarType.DOUBLE:
      return DOUBLE;
    case ScalarType.FLOAT:
      return FLOAT;
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return INT64;
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return UINT64;
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return INT32;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return UINT32;
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.STRING: {
      const known = Object.entries(hints.strings).find(([k]) => name.toLowerCase().includes(k))?.[1];
      const random = fc.oneof(fc.string({ maxLength: 40 }), nastyString);
      return known && known.length > 0 ? fc.oneof(fc.constantFrom(...known), random) : random;
    }
    case ScalarType.BYTES:
      return fc.oneof(
        fc.uint8Array({ maxLength: 512 }),
        ...(hints.bytes.length > 0 ? [fc.constantFrom(...hints.bytes)] : []),
      );
  }
}

function field(f: DescField, hints: ProtoFuzzHints, depth: number): fc.Arbitrary<unknown> {
  const name = f.localName;
  switch (f.fieldKind) {
    case 'scalar':
      return scalar(f.scalar, name, hints);
    case 'enum':
      return fc.oneof(fc.constantFrom(...f.enum.values.map((v) => v.number)), fc.integer({ min: -5, max: 50 }));
    case 'message':
      return depth > 4 ? fc.constant(undefined) : messageInit(f.message, hints, depth + 1);
    case 'list': {
      const item =
        f.listKind === 'scalar'
          ? scalar(f.scalar, name, hints)
          : f.listKind === 'enum'
            ? fc.integer({ min: -2, max: 10 })
            : depth > 4
              ? fc.constant({})
              : messageInit(f.message, hints, depth + 1);
      return fc.array(item, { maxLength: 3 });
    }
    case 'map': {
      const value =
        f.mapKind === 'scalar'
          ? scalar(f.scalar, name, hints)
          : f.mapKind === 'enum'
            ? fc.integer({ min: -2, max: 10 })
            : messageInit(f.message, hints, depth + 1);
      return fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), nastyString), value, { maxKeys: 3 });
    }
  }
}

/**
 * A message init for `schema` (as the generated clients take it): every field possibly set, with
 * ordinary, boundary and hostile values (NaN, infinities, 64-bit extremes, unknown enum numbers,
 * path-like strings, random bytes), one case of each oneof.
 */
export function messageInit(schema: DescMessage, hints: ProtoFuzzHints, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const plain = schema.fields.filter((f) => f.oneof === undefined);
  const record = fc.record(Object.fromEntries(plain.map((f) => [f.localName, field(f, hints, depth)])), {
    requiredKeys: [],
  });
  if (schema.oneofs.length === 0) return record;
  const oneofs = schema.oneofs.map((o) =>
    fc.option(
      fc.oneof(
        ...o.fields.map((f) => field(f, hints, depth).map((value) => ({ case: f.localName, value }))),
      ),
      { nil: undefined },
    ),
  );
  return fc.tuple(record, ...oneofs).map(([base, ...cases]) => {
    const out: Record<string, unknown> = { ...base };
    schema.oneofs.forEach((o, i) => {
      if (cases[i]) out[o.localName] = cases[i];
    });
    return out;
  });
}
