// A Google Cloud service account's key file, read and checked: the server uses it for Vertex AI,
// and the desktop app checks a file the teacher picks before keeping it.

export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
/** What ReaderAI keeps of a key file: plain data, so it can cross a process boundary. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
  tokenUri: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/**
 * Parses a key file's text. Throws an Error whose message names what is wrong, never the file's
 * content (it holds a private key).
 */
export function parseServiceAccountKey(text: string, from: string): ServiceAccountKey {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${from} is not JSON; expected a service account's key file from Google Cloud.`);
  }
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (o.type !== 'service_account') {
    throw new Error(`${from} is not a service account's key (its "type" must be "service_account").`);
  }
  const { client_email: clientEmail, private_key: privateKey, token_uri: tokenUri = GOOGLE_TOKEN_URI } = o;
  if (typeof clientEmail !== 'string' || !clientEmail.includes('@')) {
    throw new Error(`${from} has no "client_email".`);
  }
  if (typeof privateKey !== 'string' || !privateKey.includes('PRIVATE KEY')) {
    throw new Error(`${from} has no "private_key".`);
  }
  if (typeof tokenUri !== 'string' || !URL.canParse(tokenUri)) throw new Error(`${from} has a bad "token_uri".`);
  const url = new URL(tokenUri);
  // The signed assertion goes there: only over TLS, or to this machine (tests).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    throw new Error(`${from}: "token_uri" must be an https address.`);
  }
  return { clientEmail, privateKey, tokenUri };
}
