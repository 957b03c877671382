// Identifiers and secrets. Class codes avoid characters that look alike on a whiteboard
// (0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G) and never spell a rude word (./code-words.ts); six of 22
// characters is 113 million codes (a few per cent fewer without the words), and wrong guesses are
// limited per address (./attempts.ts).
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Limits } from '../../shared/protocol/codes.js';
import { spellsRudeWord } from './code-words.js';

export const CLASS_CODE_ALPHABET = 'ACDEFHJKMNPQRTUVWXY347';
export const CLASS_CODE_LENGTH = Limits.CLASS_CODE_LENGTH;

/** A code shown to a class. `pick(n)` is a random integer below n (tests pass their own sequence). */
export function newClassCode(pick: (n: number) => number = randomInt): string {
  // About one code in twenty is refused, so a hundred draws all being refused never happens with a
  // real random source; a broken one gets an error instead of a loop that never ends.
  for (let attempt = 0; attempt < 100; attempt++) {
    let code = '';
    for (let i = 0; i < CLASS_CODE_LENGTH; i++) code += CLASS_CODE_ALPHABET.charAt(pick(CLASS_CODE_ALPHABET.length));
    if (!spellsRudeWord(code)) return code;
  }
  throw new Error('newClassCode: 100 codes in a row spelled a refused word; is the random source broken?');
}

/** What people type: lower case, spaces and dashes are forgiven. */
export function normaliseClassCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, '');
}

export function newId(): string {
  return randomBytes(9).toString('base64url');
}

/** A student's bearer token: 192 random bits. Only its hash is stored. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * A secret that names its class in the clear (`classId.secret`): dashboard tickets and takeover
 * requests live in the memory of the class's socket worker, and the primary routes them by the
 * prefix (server/cluster/route.ts). Knowing a class id gives nothing: the secret part is checked.
 */
export function classScoped(classId: string, secret: string): string {
  return `${classId}.${secret}`;
}

/** The class a class-scoped secret names, or null if it names none. */
export function scopeOf(scoped: string): string | null {
  const dot = scoped.indexOf('.');
  return dot > 0 ? scoped.slice(0, dot) : null;
}
