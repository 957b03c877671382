// Which Google service answers, decided from ReaderAI's own settings only. AI is on when the
// school configured a route with its credentials, and not switched off (aiAnswers); nothing the
// Google SDK or google-auth-library would find by themselves (GOOGLE_API_KEY, GOOGLE_CLOUD_*,
// GOOGLE_GENAI_USE_*, a gcloud login, a cloud VM's metadata server) counts, because the route
// built here names every option and the provider passes all of them to the SDK.
import { readFileSync } from 'node:fs';
import type { AiStatus } from '../../shared/protocol/ai.js';
import type { Settings } from '../config.js';
import type { ProviderConfig } from './provider.js';
import { parseServiceAccountKey, type ServiceAccountKey } from './service-account-key.js';

/** Why AI is off; the first is the teacher's switch, the others are missing or bad settings. */
export type OffReason = 'ai_off' | 'no_api_key' | 'vertex_not_configured' | 'vertex_credentials_invalid';

export type Route =
  | { on: true; provider: 'gemini' | 'vertex'; label: string; region: string | null; config: ProviderConfig }
  | { on: false; provider: 'gemini' | 'vertex'; reason: OffReason; detail: string };

const GEMINI_API = 'https://generativelanguage.googleapis.com/';
/** Vertex AI's global endpoint, which express mode also uses. */
const VERTEX_GLOBAL = 'https://aiplatform.googleapis.com/';
/** Multi-region locations have their own regional endpoints. */
const MULTI_REGION = new Set(['us', 'eu']);

/** Google's address for a Vertex AI location (as the SDK would choose it, but said here). */
export function vertexBaseUrl(location: string): string {
  if (location === 'global') return VERTEX_GLOBAL;
  if (MULTI_REGION.has(location)) return `https://aiplatform.${location}.rep.googleapis.com/`;
  return `https://${location}-aiplatform.googleapis.com/`;
}

/** Region names are lower-case words and digits joined by dashes (they go into a host name). */
const LOCATION = /^[a-z][a-z0-9-]{0,62}$/;

/** The service account's key: the desktop app's JSON first, else the file IT named. */
function serviceAccountKey(
  s: Settings,
  readFile: (path: string) => string,
): ServiceAccountKey | { error: string } | null {
  try {
    if (s.vertexCredentialsJson)
      return parseServiceAccountKey(s.vertexCredentialsJson, 'The saved service account key');
    if (!s.vertexCredentials) return null;
    let text: string;
    try {
      text = readFile(s.vertexCredentials);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      return { error: `The service account key file ${s.vertexCredentials} cannot be read (${code}).` };
    }
    return parseServiceAccountKey(text, s.vertexCredentials);
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const switchedOff = (provider: 'gemini' | 'vertex'): Route => ({
  on: false,
  provider,
  reason: 'ai_off',
  detail: 'AI answers are switched off.',
});

export function resolveRoute(s: Settings, readFile = (path: string) => readFileSync(path, 'utf8')): Route {
  const provider = s.aiProvider === 'vertex' ? 'vertex' : 'gemini';
  const off = (reason: OffReason, detail: string): Route => ({ on: false, provider, reason, detail });
  if (!s.aiAnswers) return switchedOff(provider);
  const model = s.geminiModel;
  if (provider === 'gemini') {
    if (!s.geminiApiKey) return off('no_api_key', 'No Gemini API key is set.');
    const config: ProviderConfig = {
      kind: 'gemini',
      model,
      baseUrl: s.geminiBaseUrl || GEMINI_API,
      apiKey: s.geminiApiKey,
    };
    return { on: true, provider, label: 'Gemini API', region: null, config };
  }
  const key = serviceAccountKey(s, readFile);
  if (key && 'error' in key) return off('vertex_credentials_invalid', key.error);
  if (key) {
    const { vertexProject: project, vertexLocation: location } = s;
    if (!project || !location) {
      return off('vertex_not_configured', 'Vertex AI needs a project (vertexProject) and a region (vertexLocation).');
    }
    if (!LOCATION.test(location)) {
      return off('vertex_not_configured', `"${location}" is not a Vertex AI region (e.g. europe-west4, us-central1).`);
    }
    const baseUrl = s.geminiBaseUrl || vertexBaseUrl(location);
    const config: ProviderConfig = { kind: 'vertex', model, baseUrl, project, location, key };
    return { on: true, provider, label: `Vertex AI, project ${project}, region ${location}`, region: location, config };
  }
  if (s.vertexApiKey) {
    const config: ProviderConfig = {
      kind: 'vertex-express',
      model,
      baseUrl: s.geminiBaseUrl || VERTEX_GLOBAL,
      apiKey: s.vertexApiKey,
    };
    return { on: true, provider, label: 'Vertex AI express mode', region: 'global', config };
  }
  return off(
    'vertex_not_configured',
    'Vertex AI needs a service account key (vertexCredentials) with a project and region, ' +
      'or an express mode API key (vertexApiKey).',
  );
}

/**
 * The route the settings name, worked out again only when one of its settings changes (a Vertex
 * key file is read once per change, not per question). The relay's thread and the socket thread
 * each keep one: the relay to call Google, the socket thread to say at once whether AI is on.
 */
export class RouteCache {
  private signature = '';
  private current: Route | undefined;

  /** `onInvalid` hears once per change when a Vertex key cannot be used. */
  constructor(private readonly onInvalid?: (detail: string) => void) {}

  /**
   * The route for these settings, with AI switched on or off by `aiAnswers` (a class's own
   * switch; the settings' own by default). The switch is not part of the cached route, so
   * classes with AI on and off take turns without working the route out again.
   */
  route(s: Settings, aiAnswers = s.aiAnswers): Route {
    const signature = JSON.stringify([
      s.aiProvider,
      s.geminiApiKey,
      s.geminiModel,
      s.geminiBaseUrl,
      s.vertexProject,
      s.vertexLocation,
      s.vertexCredentials,
      s.vertexCredentialsJson,
      s.vertexApiKey,
    ]);
    if (!this.current || signature !== this.signature) {
      this.current = resolveRoute({ ...s, aiAnswers: true });
      this.signature = signature;
      if (!this.current.on && this.current.reason === 'vertex_credentials_invalid')
        this.onInvalid?.(this.current.detail);
    }
    if (!aiAnswers) return switchedOff(this.current.provider);
    return this.current;
  }
}

/** What GET /api/teacher/ai reports for a route; `unavailable`: the relay paused after failures. */
export function aiStatusOf(route: Route, model: string, unavailable: boolean): AiStatus {
  return {
    enabled: route.on,
    provider: route.provider,
    route: route.on ? route.label : null,
    region: route.on ? route.region : null,
    model,
    reason: route.on ? null : route.reason,
    detail: route.on ? null : route.detail,
    unavailable,
  };
}
