// The teacher's Gemini API key, kept in the user's data folder encrypted with the operating
// system's keychain through Electron's safeStorage (DPAPI on Windows, Keychain on macOS,
// libsecret/kwallet on Linux). The main process hands it to the server as GEMINI_API_KEY.
import { safeStorage } from 'electron';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { GeminiKeyState } from '../ipc/channels.js';

export interface GeminiKeyStore {
  /** The key in clear, for the server's environment; null when none is saved or it cannot be read. */
  read(): string | null;
  state(): GeminiKeyState;
  /** Saves (or with null/empty, removes) the key. Throws when the OS offers no encryption. */
  save(key: string | null): GeminiKeyState;
}

/** Longest key accepted (Gemini keys are ~40 characters); anything longer is a paste accident. */
export const MAX_KEY_LENGTH = 512;

export function setupGeminiKeyStore(file: string, log: (line: string) => void = () => {}): GeminiKeyStore {
  const protection = (): GeminiKeyState['protection'] => {
    if (!safeStorage.isEncryptionAvailable()) return 'unavailable';
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return 'weak';
    return 'os';
  };
  const read = (): string | null => {
    if (!existsSync(file)) return null;
    try {
      return safeStorage.decryptString(readFileSync(file));
    } catch (err) {
      // E.g. the user's keychain was reset: the key is lost, the teacher enters it again.
      log(`could not decrypt the saved Gemini key: ${(err as Error).message}`);
      return null;
    }
  };
  const state = (): GeminiKeyState => {
    const key = read();
    return { stored: key !== null, hint: key === null ? null : `…${key.slice(-4)}`, protection: protection() };
  };
  return {
    read,
    state,
    save(key) {
      const trimmed = key?.trim() ?? '';
      if (trimmed === '') {
        rmSync(file, { force: true });
        return state();
      }
      if (trimmed.length > MAX_KEY_LENGTH || /\s/.test(trimmed)) throw new Error('That does not look like an API key.');
      if (protection() === 'unavailable') {
        throw new Error(
          'This computer offers no secure storage for the key; ' +
            'set GEMINI_API_KEY or ask IT to set it in the machine configuration.',
        );
      }
      // Write then rename, so a crash never leaves half a key behind.
      const temp = `${file}.tmp`;
      writeFileSync(temp, safeStorage.encryptString(trimmed), { mode: 0o600 });
      renameSync(temp, file);
      return state();
    },
  };
}
