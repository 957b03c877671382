// Turns one text frame from a tablet into a typed message, or into the ERROR the tablet gets back.
// Server-only: it compiles the schemas once so each frame costs a JSON.parse and a few checks.
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { ClientPayloads, ErrorCode, type ClientMessage, type ClientType } from './index.js';

export type Decoded = { ok: true; message: ClientMessage } | { ok: false; code: ErrorCode; message: string };

function compileAll<K extends string>(schemas: Record<K, TSchema>): Map<string, TypeCheck<TSchema>> {
  const checks = new Map<string, TypeCheck<TSchema>>();
  for (const [type, schema] of Object.entries(schemas) as [K, TSchema][]) {
    checks.set(type, TypeCompiler.Compile(schema));
  }
  return checks;
}

const clientChecks = compileAll(ClientPayloads);

export function decodeClientMessage(text: string): Decoded {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return { ok: false, code: ErrorCode.BAD_JSON, message: 'Frame is not valid JSON.' };
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return { ok: false, code: ErrorCode.BAD_MESSAGE, message: 'Frame must be an object { type, payload }.' };
  }
  const { type, payload } = frame as { type?: unknown; payload?: unknown };
  if (typeof type !== 'string') {
    return { ok: false, code: ErrorCode.BAD_MESSAGE, message: 'Frame needs a string "type".' };
  }
  const check = clientChecks.get(type);
  if (check === undefined) {
    return { ok: false, code: ErrorCode.UNKNOWN_TYPE, message: `Unknown message type "${type.slice(0, 40)}".` };
  }
  if (!check.Check(payload)) {
    const first = check.Errors(payload).First();
    const where = first?.path ? `payload${first.path.replaceAll('/', '.')}` : 'payload';
    return {
      ok: false,
      code: ErrorCode.BAD_MESSAGE,
      message: `${type}: ${where} ${first?.message ?? 'is invalid'}.`,
    };
  }
  return { ok: true, message: { type: type as ClientType, payload } as ClientMessage };
}
