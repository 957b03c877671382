// The Vertex AI service account's key file the teacher picked, kept encrypted (secret-store.ts)
// instead of lying in the file system; the main process hands its JSON to the server as
// READERAI_VERTEX_CREDENTIALS_JSON. A file is checked (server/llm/service-account-key.ts) before
// it is kept.
import { readFileSync, statSync } from 'node:fs';
import { parseServiceAccountKey } from '../../server/llm/service-account-key.js';
import { setupSecretStore, type SecretStore } from './secret-store.js';

export type VertexKeyStore = SecretStore;

/** Key files are about 2.3 KB; a bigger file is not one. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

export function setupVertexKeyStore(file: string, log?: (line: string) => void): VertexKeyStore {
  return setupSecretStore(
    file,
    {
      what: 'service account key',
      check: (json) => void parseServiceAccountKey(json, 'That file'),
      hint: (json) => parseServiceAccountKey(json, 'The saved key').clientEmail,
      instead: 'ask IT to set READERAI_VERTEX_CREDENTIALS in the machine configuration',
    },
    log,
  );
}

/** The text of a key file the teacher picked, refusing anything too big to be one. */
export function readKeyFile(path: string): string {
  if (statSync(path).size > MAX_KEY_FILE_BYTES) throw new Error('That file is too big to be a service account key.');
  return readFileSync(path, 'utf8');
}
