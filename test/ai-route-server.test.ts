// The AI route through the real server (dist/server/main.js) and `npm run check:ai`'s program
// (dist/server/check-ai.js): a machine whose environment holds only Google's own variables has AI
// off; Vertex AI configured through ReaderAI's variables answers a tablet's question; the teacher's
// API shows the route, tries it, and switches AI off in one call.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverEnv } from '../testkit/server-env.js';
import type { AiStatus, RouteCheck } from '../shared/protocol/ai.js';
import { FakeGemini } from '../testkit/fake-gemini.js';
import { startServer, teacherApi, tempDir, type RunningServer } from './support/server.js';
import { join as joinClass, TestTablet } from './support/student-client.js';

const CHECK_AI = fileURLToPath(new URL('../dist/server/check-ai.js', import.meta.url));
const run = promisify(execFile);

let fake: FakeGemini;
let dir: string;
let keyFile: string;
const servers: RunningServer[] = [];

beforeAll(async () => {
  fake = await FakeGemini.start();
  dir = mkdtempSync(join(tmpdir(), 'readerai-ai-route-'));
  keyFile = join(dir, 'vertex-key.json');
  writeFileSync(keyFile, fake.serviceAccountKey());
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What Google's SDK, google-auth-library and gcloud would pick up by themselves. */
const googleEnvironment = () => ({
  GOOGLE_API_KEY: 'AIza-not-for-readerai',
  GOOGLE_CLOUD_PROJECT: 'other-project',
  GOOGLE_CLOUD_LOCATION: 'us-east1',
  GOOGLE_GENAI_USE_VERTEXAI: 'true',
  GOOGLE_APPLICATION_CREDENTIALS: keyFile,
  GOOGLE_GEMINI_BASE_URL: fake.baseUrl,
  GOOGLE_VERTEX_BASE_URL: fake.baseUrl,
  GCE_METADATA_HOST: new URL(fake.baseUrl).host,
});

const vertexEnvironment = () => ({
  READERAI_AI_PROVIDER: 'vertex',
  READERAI_VERTEX_PROJECT: 'school-project',
  READERAI_VERTEX_LOCATION: 'europe-west4',
  READERAI_VERTEX_CREDENTIALS: keyFile,
  READERAI_GEMINI_BASE_URL: fake.baseUrl,
});

async function server(env: Record<string, string>): Promise<RunningServer> {
  const s = await startServer({ env });
  servers.push(s);
  return s;
}

async function tabletState(s: RunningServer) {
  const code = new URL(s.joinUrl).searchParams.get('code')!;
  const joined = await joinClass(s.url, { classCode: code, name: 'Robin' });
  const tablet = await TestTablet.open(joined.body.wsUrl);
  return { tablet, state: await tablet.next('SESSION_STATE') };
}

describe('a machine with only Google’s own variables', () => {
  it('has AI off: tablets are told so, the dashboard says why, and nothing reaches Google', async () => {
    const before = fake.hits.length;
    const s = await server(googleEnvironment());
    const { tablet, state } = await tabletState(s);
    expect(state.aiAnswers).toBe(false);
    tablet.close();
    const ai = await teacherApi<AiStatus>(s, '/ai');
    expect(ai.body).toMatchObject({ enabled: false, provider: 'gemini', reason: 'no_api_key', route: null });
    const check = await teacherApi<RouteCheck>(s, '/ai/check', { method: 'POST' });
    expect(check.body).toMatchObject({ ok: false, problem: 'off' });
    expect(s.output()).toMatch(/AI answers: +off: No Gemini API key is set\./);
    expect(fake.hits.slice(before)).toEqual([]);
  });
});

describe('Vertex AI through ReaderAI’s settings', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await server({ ...googleEnvironment(), ...vertexEnvironment() });
  });

  it('answers a question from a tablet through the school’s project and region', async () => {
    fake.reply({ chunks: ['The keeper ', 'lit the lamp.'] });
    const { tablet, state } = await tabletState(s);
    expect(state.aiAnswers).toBe(true);
    tablet.send('STUDENT_INTERRUPTION', {
      questionId: 'q-v',
      questionText: 'What did the keeper do?',
      context: { bookId: state.bookId, wordIdx: 10 },
    });
    expect(await tablet.next('ANSWER_DONE')).toMatchObject({ text: 'The keeper lit the lamp.', source: 'gemini' });
    tablet.close();
    const last = fake.requests.at(-1)!;
    expect([last.api, last.version, last.project, last.location]).toEqual([
      'vertex',
      'v1',
      'school-project',
      'europe-west4',
    ]);
    expect(last.headers.authorization).toMatch(/^Bearer fake-token-/);
  });

  it('shows the route, tries it, and switches AI off and on in one call each', async () => {
    expect((await teacherApi<AiStatus>(s, '/ai')).body).toMatchObject({
      enabled: true,
      route: 'Vertex AI, project school-project, region europe-west4',
    });
    fake.reply({ chunks: ['ready'] });
    const check = await teacherApi<RouteCheck>(s, '/ai/check', { method: 'POST' });
    expect(check.body).toMatchObject({ ok: true, region: 'europe-west4', modelVersion: 'gemini-3.5-flash-lite-001' });
    expect((await teacherApi(s, '/settings', { method: 'PUT', body: { aiAnswers: false } })).status).toBe(200);
    expect((await teacherApi<AiStatus>(s, '/ai')).body).toMatchObject({ enabled: false, reason: 'ai_off' });
    expect((await tabletState(s)).state.aiAnswers).toBe(false);
    await teacherApi(s, '/settings', { method: 'PUT', body: { aiAnswers: true } });
    expect((await teacherApi<AiStatus>(s, '/ai')).body.enabled).toBe(true);
  });
});

describe('npm run check:ai', () => {
  const check = (env: Record<string, string>) =>
    run(process.execPath, [CHECK_AI], { env: serverEnv(tempDir(), { env }) }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (err: unknown) => {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, out: e.stdout + e.stderr };
      },
    );

  it('reports the route, model, region and latency when it answers', async () => {
    fake.reply({ chunks: ['ready'] });
    const { code, out } = await check(vertexEnvironment());
    expect(out).toMatch(/Route: Vertex AI, project school-project, region europe-west4/);
    expect(out).toMatch(/Model: +gemini-3\.5-flash-lite-001/);
    expect(out).toMatch(/Region: +europe-west4/);
    expect(out).toMatch(/Latency: \d+ ms/);
    expect(code).toBe(0);
  });

  it('says what failed, and that AI is off when nothing is configured', async () => {
    fake.reply({ status: 429 });
    const quota = await check({ GEMINI_API_KEY: 'k', READERAI_GEMINI_BASE_URL: fake.baseUrl });
    expect(quota).toMatchObject({ code: 1, out: expect.stringMatching(/Failed \(quota\)/) });
    const off = await check(googleEnvironment());
    expect(off).toMatchObject({ code: 2, out: expect.stringMatching(/AI is off: No Gemini API key is set/) });
  });
});
