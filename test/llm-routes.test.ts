// The AI routes themselves, through the real SDK against the local stand-in: Vertex AI with a
// service account (tokens from the key's token_uri, the fake's OAuth endpoint) or in express mode,
// bad keys turning AI off with a clear reason, the Google SDK's own environment variables and
// application default credentials never switching AI on or moving the route, and the route check.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { envLayer, ConfigError } from '../server/config.js';
import { resolveRoute } from '../server/llm/route.js';
import { FakeGemini } from '../testkit/fake-gemini.js';
import {
  askJob,
  BOOK,
  defaultSettings,
  defineJob,
  listen,
  startHarness,
  useProvider,
  type Harness,
  type TestProvider,
} from './support/llm-harness.js';

let h: Harness | undefined;
let dir: string;
const extra: FakeGemini[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'readerai-routes-'));
});
afterEach(async () => {
  useProvider('gemini');
  vi.unstubAllEnvs();
  await h?.close();
  h = undefined;
  for (const f of extra.splice(0)) await f.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A relay through a route with its credentials (the harness's), against a fresh stand-in. */
function harnessFor(provider: TestProvider): Promise<Harness> {
  useProvider(provider);
  return startHarness();
}
const vertexHarness = () => harnessFor('vertex');

/** Where the first call went and with which API key: [api, version, project, key]. */
function firstCall(harness: Harness) {
  const r = harness.fake.requests[0]!;
  return [r.api, r.version, r.project, r.headers['x-goog-api-key']];
}

async function ask(harness: Harness, text = 'Who is Pip?') {
  const { events, heard, end } = listen();
  harness.relay.ask(askJob(1, text), events);
  return { last: await end, heard };
}

const VERTEX = {
  aiProvider: 'vertex',
  geminiApiKey: '',
  vertexProject: 'school-project',
  vertexLocation: 'us-central1',
};

describe('Vertex AI with a service account', () => {
  it('reads the key file IT named, gets one token from its token_uri, calls the regional v1 path with it', async () => {
    h = await startHarness();
    const file = join(dir, 'key.json');
    writeFileSync(file, h.fake.serviceAccountKey('reader@school-project.iam.gserviceaccount.com'));
    Object.assign(h.settings, VERTEX, { vertexCredentials: file, vertexCredentialsJson: '' });
    h.fake.otherwise(() => ({ chunks: ['Pip is ', 'a fox.'] }));
    expect(h.relay.aiStatus()).toMatchObject({
      enabled: true,
      provider: 'vertex',
      route: 'Vertex AI, project school-project, region us-central1',
      region: 'us-central1',
    });
    const first = await ask(h);
    expect(first.heard).toEqual([
      { type: 'chunk', text: 'Pip is ' },
      { type: 'chunk', text: 'a fox.' },
      { type: 'done', text: 'Pip is a fox.', source: 'gemini' },
    ]);
    const definition = await h.relay.define(defineJob(2, 'brave'));
    expect(definition).toEqual({ ok: true, text: 'Pip is a fox.', source: 'gemini' });
    await ask(h, 'Where does Pip live?');
    // One token for all three calls, asked for with the key's own e-mail and the token address.
    expect(h.fake.tokenRequests).toHaveLength(1);
    expect(h.fake.tokenRequests[0]).toMatchObject({
      iss: 'reader@school-project.iam.gserviceaccount.com',
      aud: `${h.fake.baseUrl}/token`,
      scope: 'https://www.googleapis.com/auth/cloud-platform',
    });
    expect(h.fake.requests.map((r) => [r.api, r.version, r.project, r.location, r.method])).toEqual([
      ['vertex', 'v1', 'school-project', 'us-central1', 'streamGenerateContent'],
      ['vertex', 'v1', 'school-project', 'us-central1', 'generateContent'],
      ['vertex', 'v1', 'school-project', 'us-central1', 'streamGenerateContent'],
    ]);
    for (const r of h.fake.requests) {
      expect(r.headers.authorization).toBe('Bearer fake-token-1');
      expect(r.headers['x-goog-api-key']).toBeUndefined();
    }
  });

  it('hands questions to the teacher when Google refuses the key, without retrying', async () => {
    h = await startHarness();
    Object.assign(h.settings, VERTEX, { vertexCredentialsJson: h.fake.serviceAccountKey() });
    h.fake.refuseTokens = true;
    const { last } = await ask(h);
    expect(last).toEqual({ type: 'teacher', reason: 'upstream_http_401' });
    expect(h.fake.requests).toHaveLength(0);
  });

  it.each([
    ['a missing file', () => join(dir, 'nowhere.json'), /cannot be read \(ENOENT\)/],
    ['a file that is not JSON', () => writeKey('-----BEGIN PRIVATE KEY----- secret'), /is not JSON/],
    [
      'an OAuth client instead of a service account',
      () => writeKey('{"installed":{"client_id":"x"}}'),
      /not a service account/,
    ],
    [
      'a token_uri that is not https',
      () =>
        writeKey(
          JSON.stringify({
            type: 'service_account',
            client_email: 'a@b',
            private_key: 'PRIVATE KEY',
            token_uri: 'http://evil.example/token',
          }),
        ),
      /must be an https address/,
    ],
  ])('turns AI off with a clear reason for %s, never quoting the file', async (_what, make, why) => {
    const settings = defaultSettings({ ...VERTEX, vertexCredentials: make() });
    const route = resolveRoute(settings);
    expect(route).toMatchObject({
      on: false,
      reason: 'vertex_credentials_invalid',
      detail: expect.stringMatching(why),
    });
    expect(JSON.stringify(route)).not.toContain('secret');
  });

  it('needs a project and a region besides the key', () => {
    const settings = defaultSettings({ ...VERTEX, vertexProject: '', vertexCredentials: writeKey(validKeyJson()) });
    expect(resolveRoute(settings)).toMatchObject({ on: false, reason: 'vertex_not_configured' });
    const badRegion = defaultSettings({
      ...VERTEX,
      vertexLocation: 'evil.example/x',
      vertexCredentials: writeKey(validKeyJson()),
    });
    expect(resolveRoute(badRegion)).toMatchObject({ on: false, reason: 'vertex_not_configured' });
  });
});

function writeKey(text: string): string {
  const file = join(dir, `key-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  return file;
}

function validKeyJson(): string {
  return JSON.stringify({
    type: 'service_account',
    client_email: 'a@b.iam',
    private_key: '-----BEGIN PRIVATE KEY-----',
  });
}

describe('Vertex AI express mode', () => {
  it('sends the express key and calls the global publisher path without a project', async () => {
    h = await startHarness({ aiProvider: 'vertex', vertexCredentialsJson: '', vertexApiKey: 'express-key' });
    expect(h.relay.aiStatus()).toMatchObject({ enabled: true, route: 'Vertex AI express mode' });
    expect((await ask(h)).last.type).toBe('done');
    expect(firstCall(h)).toEqual(['vertex', 'v1', undefined, 'express-key']);
  });
});

describe("the Google SDK's own environment", () => {
  /** Everything the SDK, google-auth-library and gcloud would pick up, aimed at a decoy. */
  async function stubGoogleEnvironment(): Promise<FakeGemini> {
    const decoy = await FakeGemini.start();
    extra.push(decoy);
    const adcFile = join(dir, 'adc.json');
    writeFileSync(adcFile, decoy.serviceAccountKey('adc@other-project.iam.gserviceaccount.com'));
    // A gcloud login's application default credentials.
    const gcloud = join(dir, 'gcloud');
    mkdirSync(gcloud);
    writeFileSync(
      join(gcloud, 'application_default_credentials.json'),
      JSON.stringify({ type: 'authorized_user', client_id: 'x', client_secret: 'y', refresh_token: 'z' }),
    );
    const host = new URL(decoy.baseUrl).host;
    for (const [name, value] of Object.entries({
      GOOGLE_API_KEY: 'decoy-google-api-key',
      GOOGLE_GENAI_API_KEY: 'decoy-genai-key',
      GOOGLE_CLOUD_PROJECT: 'other-project',
      GOOGLE_CLOUD_LOCATION: 'asia-east1',
      GOOGLE_CLOUD_QUOTA_PROJECT: 'other-project',
      GOOGLE_GENAI_USE_VERTEXAI: 'true',
      GOOGLE_GENAI_USE_ENTERPRISE: 'true',
      GOOGLE_GENAI_API_VERSION: 'v1alpha',
      GOOGLE_GEMINI_BASE_URL: decoy.baseUrl,
      GOOGLE_VERTEX_BASE_URL: decoy.baseUrl,
      GOOGLE_APPLICATION_CREDENTIALS: adcFile,
      CLOUDSDK_CONFIG: gcloud,
      // Where google-auth-library would look for a cloud VM's metadata server.
      GCE_METADATA_HOST: host,
      GCE_METADATA_IP: host,
    })) {
      vi.stubEnv(name, value);
    }
    return decoy;
  }

  it('with no ReaderAI setting AI stays off: questions go to the teacher and nothing is asked of anyone', async () => {
    const decoy = await stubGoogleEnvironment();
    // The server's own settings layer sees none of them.
    expect(envLayer(process.env)).toEqual({});
    h = await startHarness({ geminiApiKey: '', vertexCredentialsJson: '', aiProvider: 'gemini', geminiBaseUrl: '' });
    expect(h.relay.aiEnabled).toBe(false);
    expect((await ask(h)).last).toEqual({ type: 'teacher', reason: 'no_api_key' });
    const definition = await h.relay.define(defineJob(1, 'brave'));
    expect(definition).toMatchObject({ source: 'offline' });
    // Nor does Vertex AI without its settings turn on from GOOGLE_CLOUD_* and the ADC file.
    h.settings.aiProvider = 'vertex';
    expect(h.relay.aiEnabled).toBe(false);
    expect((await h.relay.checkRoute()).problem).toBe('off');
    expect(decoy.hits).toEqual([]);
    expect(h.fake.hits).toEqual([]);
  });

  it('cannot move a configured route: the Gemini API stays on its key, version and address', async () => {
    const decoy = await stubGoogleEnvironment();
    h = await startHarness({ aiProvider: 'gemini' });
    expect((await ask(h)).last.type).toBe('done');
    expect(firstCall(h)).toEqual(['gemini', 'v1beta', undefined, 'test-key']);
    expect(decoy.hits).toEqual([]);
  });

  it('cannot move a configured Vertex route: its project, region, key and token address are the ones set', async () => {
    const decoy = await stubGoogleEnvironment();
    h = await vertexHarness();
    expect((await ask(h)).last.type).toBe('done');
    const [req] = h.fake.requests;
    expect([req!.project, req!.location, req!.headers['x-goog-api-key']]).toEqual([
      'example-project',
      'europe-west4',
      undefined,
    ]);
    expect(req!.headers.authorization).toBe('Bearer fake-token-1');
    expect(req!.headers['x-goog-user-project']).toBeUndefined();
    // Express mode sends its own key, not GOOGLE_API_KEY, and ignores GOOGLE_CLOUD_PROJECT.
    Object.assign(h.settings, { vertexCredentialsJson: '', vertexApiKey: 'express-key' });
    expect((await ask(h)).last.type).toBe('done');
    expect([h.fake.requests[1]!.project, h.fake.requests[1]!.headers['x-goog-api-key']]).toEqual([
      undefined,
      'express-key',
    ]);
    expect(decoy.hits).toEqual([]);
  });
});

describe('the setting itself', () => {
  it('takes only gemini or vertex', () => {
    expect(envLayer({ READERAI_AI_PROVIDER: 'vertex' })).toEqual({ aiProvider: 'vertex' });
    expect(() => envLayer({ READERAI_AI_PROVIDER: 'openai' })).toThrow(ConfigError);
    expect(() => envLayer({ READERAI_AI_PROVIDER: 'openai' })).toThrow(/must be one of gemini, vertex/);
  });
});

describe('the route check', () => {
  it.each(['gemini', 'vertex'] as const)(
    'reports the %s route, the model that answered and the latency',
    async (provider) => {
      h = await harnessFor(provider);
      h.fake.reply({ chunks: ['ready'] });
      const result = await h.relay.checkRoute();
      expect(result).toMatchObject({
        ok: true,
        problem: null,
        model: 'gemini-3.5-flash-lite',
        modelVersion: 'gemini-3.5-flash-lite-001',
        region: provider === 'gemini' ? null : 'europe-west4',
        route: provider === 'gemini' ? 'Gemini API' : 'Vertex AI, project example-project, region europe-west4',
      });
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      // Harmless: nothing of a book or a child in it.
      expect(h.fake.requests[0]!.raw).not.toContain(BOOK.title);
    },
  );

  it.each([
    [{ status: 400, message: 'API key not valid. Please pass a valid API key.' }, 'bad_key', /refused the API key/],
    [
      { status: 403, message: 'Permission denied on resource project.' },
      'no_access',
      /may not use gemini-3\.5-flash-lite/,
    ],
    [{ status: 404, message: 'Model not found.' }, 'no_model', /not available/],
    [{ status: 429, retryDelay: '30s' }, 'quota', /quota/],
    [{ status: 503 }, 'server', /had trouble \(503\)/],
  ] as const)('explains %j as %s', async (reply, problem, message) => {
    h = await startHarness({ aiProvider: 'gemini' });
    h.fake.reply(reply);
    const result = await h.relay.checkRoute();
    expect(result).toMatchObject({ ok: false, problem, message: expect.stringMatching(message) });
    // One request: a check never retries.
    expect(h.fake.requests).toHaveLength(1);
  });

  it('explains a refused service account key and an unreachable address', async () => {
    h = await vertexHarness();
    h.fake.refuseTokens = true;
    expect(await h.relay.checkRoute()).toMatchObject({
      problem: 'bad_key',
      message: expect.stringMatching(/refused the service account readerai-test@.*invalid_grant/),
    });
    const gone = await FakeGemini.start();
    const url = gone.baseUrl;
    await gone.close();
    Object.assign(h.settings, { aiProvider: 'gemini', geminiApiKey: 'k', geminiBaseUrl: url });
    expect(await h.relay.checkRoute()).toMatchObject({
      problem: 'network',
      message: expect.stringMatching(/could not be reached \(.*ECONNREFUSED\).*proxy/),
    });
  });
});
