// Property-based fuzzing of the student-socket decoder (shared/protocol/decode.ts), the one function
// every byte from a tablet goes through. Bounded for CI: FUZZ_RUNS cases per property (default
// 400); set FUZZ_SEED to replay a failure fast-check reported.
//
// Valid messages are generated from the TypeBox schemas themselves (schemaArbitrary below), so a
// field added to the protocol is fuzzed without touching this file.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Kind, type TSchema } from '@sinclair/typebox';
import { decodeClientMessage } from '../../../../shared/protocol/decode.js';
import { ClientPayloads, ErrorCode } from '../../../../shared/protocol/index.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const params: fc.Parameters<unknown> = {
  numRuns: RUNS,
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
};
const CODES = new Set<string>(Object.values(ErrorCode));
const TYPES = Object.keys(ClientPayloads) as (keyof typeof ClientPayloads)[];

/** An arbitrary producing only values the schema accepts (covers the kinds the protocol uses). */
function schemaArbitrary(schema: TSchema): fc.Arbitrary<unknown> {
  const s = schema as TSchema & Record<string, unknown>;
  switch (s[Kind]) {
    case 'Object': {
      const props = s.properties as Record<string, TSchema>;
      const required = (s.required as string[] | undefined) ?? [];
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(props)) model[key] = schemaArbitrary(sub);
      return fc.record(model, { requiredKeys: required });
    }
    case 'String':
      return (
        fc
          .string({
            unit: 'grapheme',
            minLength: (s.minLength as number | undefined) ?? 0,
            maxLength: (s.maxLength as number | undefined) ?? 200,
          })
          // maxLength counts UTF-16 code units in JSON Schema; graphemes may be longer.
          .filter(
            (v) =>
              v.length >= ((s.minLength as number | undefined) ?? 0) &&
              v.length <= ((s.maxLength as number | undefined) ?? Infinity),
          )
      );
    case 'Integer':
      return fc.integer({
        min: Math.max((s.minimum as number | undefined) ?? -(2 ** 31), Number.MIN_SAFE_INTEGER),
        max: Math.min((s.maximum as number | undefined) ?? 2 ** 31, Number.MAX_SAFE_INTEGER),
      });
    case 'Number':
      return fc.double({
        min: (s.minimum as number | undefined) ?? -1e9,
        max: (s.maximum as number | undefined) ?? 1e9,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'Boolean':
      return fc.boolean();
    case 'Literal':
      return fc.constant(s.const);
    case 'Union':
      return fc.oneof(...(s.anyOf as TSchema[]).map(schemaArbitrary));
    default:
      throw new Error(`schemaArbitrary: no generator for ${s[Kind]}; add one`);
  }
}

const validMessage = fc
  .constantFrom(...TYPES)
  .chain((type) => schemaArbitrary(ClientPayloads[type]).map((payload) => ({ type, payload })));

/** The decoder's contract for any input: no throw, and either a message or a known ErrorCode. */
function checkContract(text: string): ReturnType<typeof decodeClientMessage> {
  const result = decodeClientMessage(text);
  if (result.ok) {
    expect(TYPES).toContain(result.message.type);
  } else {
    expect(CODES.has(result.code)).toBe(true);
    expect(typeof result.message).toBe('string');
    // The message echoes at most a short slice of the input (it goes back over the socket).
    expect(result.message.length).toBeLessThan(400);
  }
  return result;
}

describe('decodeClientMessage (property-based)', () => {
  it('never throws on arbitrary text, including lone surrogates and control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => void checkContract(text)),
      params,
    );
  });

  it('never throws on arbitrary JSON, and refuses non-objects as BAD_MESSAGE', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const r = checkContract(JSON.stringify(value));
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          expect(r).toMatchObject({ ok: false, code: ErrorCode.BAD_MESSAGE });
      }),
      params,
    );
  });

  it('never throws on frames shaped { type, payload } with any type and payload', () => {
    const anyType = fc.oneof(
      fc.constantFrom(...TYPES, '__proto__', 'constructor', 'toString', 'hasOwnProperty'),
      fc.string(),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(anyType, fc.jsonValue({ maxDepth: 3 }), (type, payload) => {
        const r = checkContract(JSON.stringify({ type, payload }));
        if (typeof type === 'string' && !TYPES.includes(type as (typeof TYPES)[number]))
          expect(r).toMatchObject({ ok: false, code: ErrorCode.UNKNOWN_TYPE });
      }),
      params,
    );
  });

  it('accepts every valid message generated from the schemas, unchanged', () => {
    fc.assert(
      fc.property(validMessage, (m) => {
        const r = checkContract(JSON.stringify(m));
        expect(r.ok ? r.message : r).toEqual(m);
      }),
      params,
    );
  });

  it('refuses a valid message with one required field removed, as BAD_MESSAGE', () => {
    const withRequired = validMessage.filter(
      (m) => ((ClientPayloads[m.type] as unknown as { required?: string[] }).required ?? []).length > 0,
    );
    fc.assert(
      fc.property(withRequired, fc.nat(), (m, pick) => {
        const required = (ClientPayloads[m.type] as unknown as { required: string[] }).required;
        const payload = { ...(m.payload as Record<string, unknown>) };
        delete payload[required[pick % required.length]!];
        expect(checkContract(JSON.stringify({ type: m.type, payload }))).toMatchObject({
          ok: false,
          code: ErrorCode.BAD_MESSAGE,
        });
      }),
      params,
    );
  });

  it('refuses a valid message with a required field replaced by a value of another JSON type', () => {
    fc.assert(
      fc.property(validMessage, fc.nat(), fc.jsonValue({ maxDepth: 2 }), (m, pick, junk) => {
        const required = (ClientPayloads[m.type] as unknown as { required?: string[] }).required ?? [];
        fc.pre(required.length > 0);
        const key = required[pick % required.length]!;
        const payload = { ...(m.payload as Record<string, unknown>) };
        const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
        fc.pre(jsonType(junk) !== jsonType(payload[key]));
        payload[key] = junk;
        expect(checkContract(JSON.stringify({ type: m.type, payload }))).toMatchObject({
          ok: false,
          code: ErrorCode.BAD_MESSAGE,
        });
      }),
      params,
    );
  });

  it('refuses every strict prefix of a valid frame as BAD_JSON', () => {
    fc.assert(
      fc.property(validMessage, fc.nat(), (m, cut) => {
        const text = JSON.stringify(m);
        const prefix = text.slice(0, cut % text.length);
        expect(checkContract(prefix)).toMatchObject({ ok: false, code: ErrorCode.BAD_JSON });
      }),
      params,
    );
  });

  it('does not let "__proto__" keys in a frame reach Object.prototype', () => {
    fc.assert(
      fc.property(validMessage, fc.string({ maxLength: 10 }), (m, junk) => {
        const text = JSON.stringify(m)
          .replace(/^\{/, `{"__proto__":{"polluted":${JSON.stringify(junk)}},`)
          .replace('"payload":{', `"payload":{"__proto__":{"polluted":1},`);
        checkContract(text);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      params,
    );
  });
});
