// A secret the teacher gave the desktop app (the Gemini API key, a Vertex AI service account's
// key), kept in the user's data folder encrypted with the operating system's keychain through
// Electron's safeStorage (DPAPI on Windows, Keychain on macOS, libsecret/kwallet on Linux). The
// main process hands it to the server in its environment at each start.
import { safeStorage } from 'electron';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { SecretState } from '../ipc/channels.js';

export interface SecretStore {
  /** The secret in clear, for the server's environment; null when none is saved or it cannot be read. */
  read(): string | null;
  state(): SecretState;
  /** Saves (or with null/empty, removes) the secret. Throws when it is refused or the OS offers no encryption. */
  save(value: string | null): SecretState;
}

export interface SecretKind {
  /** For messages: "Gemini key", "service account key". */
  what: string;
  /** Throws an Error saying what is wrong with a value (never quoting it). */
  check(value: string): void;
  /** What the dashboard may show of a saved value. */
  hint(value: string): string;
  /** Where IT can set it instead, for the message when this computer cannot encrypt. */
  instead: string;
}

export function setupSecretStore(file: string, kind: SecretKind, log: (line: string) => void = () => {}): SecretStore {
  const protection = (): SecretState['protection'] => {
    if (!safeStorage.isEncryptionAvailable()) return 'unavailable';
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return 'weak';
    return 'os';
  };
  const read = (): string | null => {
    if (!existsSync(file)) return null;
    try {
      return safeStorage.decryptString(readFileSync(file));
    } catch (err) {
      // E.g. the user's keychain was reset: the secret is lost, the teacher gives it again.
      log(`could not decrypt the saved ${kind.what}: ${(err as Error).message}`);
      return null;
    }
  };
  const state = (): SecretState => {
    const value = read();
    return { stored: value !== null, hint: value === null ? null : kind.hint(value), protection: protection() };
  };
  return {
    read,
    state,
    save(value) {
      const trimmed = value?.trim() ?? '';
      if (trimmed === '') {
        rmSync(file, { force: true });
        return state();
      }
      kind.check(trimmed);
      if (protection() === 'unavailable') {
        throw new Error(`This computer offers no secure storage for the ${kind.what}; ${kind.instead}.`);
      }
      // Write then rename, so a crash never leaves half a secret behind.
      const temp = `${file}.tmp`;
      writeFileSync(temp, safeStorage.encryptString(trimmed), { mode: 0o600 });
      renameSync(temp, file);
      return state();
    },
  };
}
