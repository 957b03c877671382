// Identifiers and secrets. Class codes avoid characters that look alike on a whiteboard
// (0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G); six of 22 characters is 113 million codes, and wrong
// guesses are limited per address (./attempts.ts).
import { createHash, randomBytes, randomInt } from 'node:crypto';

export const CLASS_CODE_ALPHABET = 'ACDEFHJKMNPQRTUVWXY347';
export const CLASS_CODE_LENGTH = 6;

export function newClassCode(): string {
  let code = '';
  for (let i = 0; i < CLASS_CODE_LENGTH; i++) code += CLASS_CODE_ALPHABET.charAt(randomInt(CLASS_CODE_ALPHABET.length));
  return code;
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
