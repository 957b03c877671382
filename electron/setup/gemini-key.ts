// The teacher's Gemini API key, kept encrypted (secret-store.ts); the main process hands it to the
// server as GEMINI_API_KEY.
import { setupSecretStore, type SecretStore } from './secret-store.js';

export type GeminiKeyStore = SecretStore;

/** Longest key accepted (Gemini keys are ~40 characters); anything longer is a paste accident. */
export const MAX_KEY_LENGTH = 512;

export function setupGeminiKeyStore(file: string, log?: (line: string) => void): GeminiKeyStore {
  return setupSecretStore(
    file,
    {
      what: 'key',
      check(key) {
        if (key.length > MAX_KEY_LENGTH || /\s/.test(key)) throw new Error('That does not look like an API key.');
      },
      hint: (key) => `…${key.slice(-4)}`,
      instead: 'set GEMINI_API_KEY or ask IT to set it in the machine configuration',
    },
    log,
  );
}
