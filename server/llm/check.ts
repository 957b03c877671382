// A trial of the configured route from this machine, for IT (`npm run check:ai`) and the settings
// screen: one short, harmless request with no student data, then which model and region answered
// and how long it took, or what went wrong in words IT can act on.
import type { ModelRequest } from './prompt.js';
import { UpstreamError, type Provider, type ProviderConfig } from './provider.js';
import type { Route } from './route.js';
import type { RouteCheck } from './types.js';

const CHECK_TIMEOUT_MS = 20_000;

/** Nothing about a child or a book: the smallest request that proves the route answers. */
const CHECK_REQUEST: ModelRequest = {
  system: 'You check that a connection works. Answer with the single word: ready',
  prompt: 'Are you there?',
  // Thinking models count their thinking here; any answer at all proves the route.
  maxOutputTokens: 256,
};

/** Google's own sentence inside the SDK's error text (`{"error":{"message":…}}`), if any. */
function googleMessage(err: UpstreamError): string {
  const start = err.message.indexOf('{');
  try {
    const body = JSON.parse(err.message.slice(start)) as { error?: { message?: unknown; status?: unknown } };
    const m = body.error?.message;
    if (typeof m === 'string' && m) return m.length > 300 ? `${m.slice(0, 300)}…` : m;
  } catch {
    // Not JSON: the message itself (a network error) says it.
  }
  return err.message;
}

const NETWORK_HINT =
  'Check that this machine reaches Google: a firewall or web filter must allow it, and a proxy must be set for Node ' +
  '(HTTPS_PROXY with NODE_USE_ENV_PROXY=1); a proxy that inspects TLS needs its certificate in NODE_EXTRA_CA_CERTS.';

/** The kind of failure and what to do about it. */
export function explain(err: unknown, config: ProviderConfig): Pick<RouteCheck, 'problem' | 'message'> {
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return { problem: 'network', message: `No answer within ${CHECK_TIMEOUT_MS / 1000} s. ${NETWORK_HINT}` };
  }
  if (!(err instanceof UpstreamError)) return { problem: 'server', message: String(err) };
  const said = googleMessage(err);
  const where = config.kind === 'vertex' ? ` in ${config.location}` : '';
  const credential = config.kind === 'vertex' ? `the service account ${config.key.clientEmail}` : 'the API key';
  switch (err.status) {
    case undefined:
      return { problem: 'network', message: `Google could not be reached (${said}). ${NETWORK_HINT}` };
    case 400:
      if (/API_KEY_INVALID|API key not valid|API key expired/i.test(err.message)) {
        return { problem: 'bad_key', message: `Google refused the API key: ${said}` };
      }
      return { problem: 'refused', message: `Google refused the request: ${said}` };
    case 401:
      return { problem: 'bad_key', message: `Google refused ${credential}: ${said}` };
    case 403:
      return {
        problem: 'no_access',
        message:
          `${credential} may not use ${config.model} here: ${said} ` +
          (config.kind === 'vertex'
            ? 'Check that the Vertex AI API is enabled in the project and the account has the Vertex AI User role.'
            : 'Check that the key is allowed to call the Generative Language API.'),
      };
    case 404:
      return {
        problem: 'no_model',
        message: `The model ${config.model} is not available${where}: ${said}`,
      };
    case 429:
      return { problem: 'quota', message: `The quota is used up or too small (429): ${said}` };
    default:
      return { problem: 'server', message: `Google's service had trouble (${err.status}): ${said} Try again later.` };
  }
}

export async function checkRoute(
  route: Route,
  makeProvider: (config: ProviderConfig) => Provider,
): Promise<RouteCheck> {
  if (!route.on) {
    return {
      ok: false,
      route: null,
      model: '',
      modelVersion: null,
      region: null,
      latencyMs: null,
      problem: 'off',
      message: route.detail,
    };
  }
  const { config } = route;
  const base = { route: route.label, model: config.model, region: route.region };
  const started = Date.now();
  try {
    const outcome = await makeProvider(config).generate(CHECK_REQUEST, AbortSignal.timeout(CHECK_TIMEOUT_MS));
    const latencyMs = Date.now() - started;
    const version = outcome.modelVersion ?? null;
    const region = route.region ? `, region ${route.region}` : '';
    return {
      ...base,
      ok: true,
      modelVersion: version,
      latencyMs,
      problem: null,
      message: `${route.label} answered in ${latencyMs} ms (model ${version ?? config.model}${region}).`,
    };
  } catch (err) {
    return { ...base, ok: false, modelVersion: null, latencyMs: null, ...explain(err, config) };
  }
}
