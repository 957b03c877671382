// The stand-in for Gemini during the bench: the relay tests' fake (testkit/fake-gemini.ts),
// answering every question with a short streamed answer after a set latency. It is loaded at run
// time by path, not imported, so the compiled build (tsconfig.build.json) does not pull test code
// into dist/; the bench always runs under tsx, which loads the .ts file.
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The part of FakeGemini the bench uses. */
export interface Upstream {
  readonly baseUrl: string;
  latencyMs: number;
  chunkDelayMs: number;
  readonly requests: unknown[];
  otherwise(fn: () => { chunks: string[]; usage?: { prompt: number; output: number } }): unknown;
  close(): Promise<void>;
}

const FAKE = fileURLToPath(new URL('../testkit/fake-gemini.ts', import.meta.url));

export async function startUpstream(latencyMs: number, chunkDelayMs: number): Promise<Upstream> {
  const mod = (await import(pathToFileURL(FAKE).href)) as { FakeGemini: { start(): Promise<Upstream> } };
  const fake = await mod.FakeGemini.start();
  fake.latencyMs = latencyMs;
  fake.chunkDelayMs = chunkDelayMs;
  fake.otherwise(() => ({
    chunks: ['A word that ', 'means something ', 'like this.'],
    usage: { prompt: 400, output: 20 },
  }));
  // The fake records every request for tests; the bench does not need them kept.
  const forget = setInterval(() => (fake.requests.length = 0), 1000);
  forget.unref();
  const close = fake.close.bind(fake);
  fake.close = async () => {
    clearInterval(forget);
    await close();
  };
  return fake;
}
