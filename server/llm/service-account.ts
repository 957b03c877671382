// OAuth access tokens made from a Google Cloud service account's key. google-auth-library's own
// service-account client always asks Google's fixed token address, and its GoogleAuth falls back to
// application default credentials (a gcloud login, the metadata server of a cloud VM); this client
// uses the key it is given and nothing else, and asks the token address the key names
// (`token_uri`), so tests can answer it on loopback.
import { createSign } from 'node:crypto';
import { OAuth2Client } from 'google-auth-library';
import { UpstreamError } from './provider.js';
import type { ServiceAccountKey } from './service-account-key.js';

/** The one scope Vertex AI needs. */
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const TOKEN_LIFETIME_S = 3600;
const TOKEN_TIMEOUT_MS = 10_000;

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** A signed JWT asking for a cloud-platform token (RFC 7523), valid for an hour. */
function assertion(key: ServiceAccountKey, nowS: number): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({
      iss: key.clientEmail,
      scope: CLOUD_PLATFORM_SCOPE,
      aud: key.tokenUri,
      iat: nowS,
      exp: nowS + TOKEN_LIFETIME_S,
    }),
  );
  const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key.privateKey);
  return `${header}.${claims}.${base64url(signature)}`;
}

/** One access token from the key's token address. Failures are UpstreamErrors like the model's. */
async function fetchToken(key: ServiceAccountKey): Promise<{ access_token: string; expiry_date: number }> {
  let res: Response;
  try {
    res = await fetch(key.tokenUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: assertion(key, Math.floor(Date.now() / 1000)),
      }),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (err) {
    throw new UpstreamError(`service account token: ${networkMessage(err)}`, true);
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok || typeof body.access_token !== 'string') {
    // Google answers 400 invalid_grant for a deleted or disabled key or a wrong clock.
    const why = typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
    const status = res.status >= 500 ? res.status : 401;
    throw new UpstreamError(`service account token refused (${why})`, status >= 500, status);
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : TOKEN_LIFETIME_S;
  return { access_token: body.access_token, expiry_date: Date.now() + expiresIn * 1000 };
}

/** `fetch failed` says nothing; its cause (ECONNREFUSED, ENOTFOUND, a certificate) does. */
export function networkMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message;
  return detail && !message.includes(detail) ? `${message} (${detail})` : message;
}

/**
 * An auth client for the SDK (`googleAuthOptions.authClient`): the library's OAuth2Client, which
 * caches the token and renews it before it expires, with our token fetch as its refresh.
 */
export function serviceAccountClient(key: ServiceAccountKey): OAuth2Client {
  const client = new OAuth2Client();
  // Calls that start together while no token is held share one token request.
  let pending: ReturnType<typeof fetchToken> | null = null;
  client.refreshHandler = () => (pending ??= fetchToken(key).finally(() => (pending = null)));
  return client;
}
