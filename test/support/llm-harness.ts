// Shared pieces of the relay tests: settings from the real table, the definition cache as the
// server keeps it (the real Store over a SQLite file), a book, an event recorder, and the relay as
// the server runs it (the proxy and a real worker thread) wired to the fake Gemini with the real SDK,
// through either route (Gemini API or Vertex AI).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS, type Settings } from '../../server/config.js';
import { GeminiProvider } from '../../server/llm/gemini.js';
import { RelayProxy } from '../../server/llm/relay-proxy.js';
import { resolveRoute } from '../../server/llm/route.js';
import {
  classPolicy,
  type AskEvents,
  type AskJob,
  type DefineJob,
  type DefinitionCacheStore,
  type FlagReason,
} from '../../server/llm/types.js';
import type { AnswerSource } from '../../shared/protocol/codes.js';
import { openDatabase } from '../../server/store/db.js';
import { Store } from '../../server/store/store.js';
import { FakeGemini } from '../../testkit/fake-gemini.js';
import { tempDir } from './server.js';

export function defaultSettings(over: Partial<Settings> = {}): Settings {
  const defaults = Object.fromEntries(Object.entries(SETTINGS).map(([k, s]) => [k, s.default])) as Settings;
  return { ...defaults, ...over };
}

/**
 * The definition cache the server gives the relay: our Store over a real SQLite file (migrated by
 * openDatabase), through the same `definitionCache()` the server uses. Not a stand-in: a test of
 * the relay's cache goes through the SQL the server runs.
 */
export class SqliteCache implements DefinitionCacheStore {
  readonly store: Store;
  readonly file: string;
  readonly get: DefinitionCacheStore['get'];
  readonly put: DefinitionCacheStore['put'];
  /** The folder made for this cache when no file was given (removed by close). */
  private readonly ownDir: string | null;

  constructor(file?: string) {
    this.ownDir = file ? null : tempDir('readerai-llm-');
    this.file = file ?? join(this.ownDir!, 'readerai.db');
    this.store = new Store(openDatabase(this.file));
    ({ get: this.get, put: this.put } = this.store.definitionCache());
  }
  /** Definitions stored in the file. */
  count(): number {
    return (this.store.db.prepare('SELECT count(*) AS n FROM definitions').get() as { n: number }).n;
  }
  close(): void {
    if (this.store.db.open) this.store.db.close();
    if (this.ownDir) rmSync(this.ownDir, { recursive: true, force: true });
  }
}

const SENTENCES = [
  'Pip was a brave little fox who lived at the edge of the Whispering Wood.',
  'Every morning she ran down to the river to watch the silver fish jump.',
  'One day a storm rolled over the hills and the river grew wide and loud.',
  'The old heron on the bank said the bridge had washed away in the night.',
  'Pip wanted to reach her grandmother, who lived on the other side.',
  'She gathered long reeds and wove them into a small, strong raft.',
  'The water pushed and pulled, but Pip held on with all four paws.',
  'At last she reached the far bank, wet and tired but very proud.',
  'Her grandmother wrapped her in a warm blanket and made blackberry tea.',
  'That night Pip dreamed of rivers, rafts and the bright stars above the wood.',
];

/** A small book: the ten sentences above, three times (so passages must be cut). */
export const BOOK = { title: 'Pip and the River', words: SENTENCES.concat(SENTENCES, SENTENCES).join(' ').split(' ') };

/** Index of the first occurrence of `word` (exact token) in the book. */
export function wordIndex(word: string, from = 0): number {
  const i = BOOK.words.indexOf(word, from);
  if (i < 0) throw new Error(`"${word}" is not in the test book`);
  return i;
}

/** The class of the tests' students unless a test names another. */
export const CLASS = 'class-a';

/**
 * The settings of the class the jobs come from: the latest harness's, as a classroom's questions
 * carry their class's settings when they are asked (tests change them in place).
 */
let classSettings = defaultSettings();

export function askJob(
  studentKey: number,
  questionText: string,
  wordIdx = wordIndex('brave'),
  classId = CLASS,
): AskJob {
  return {
    classId,
    studentKey,
    policy: classPolicy(classSettings),
    questionText,
    title: BOOK.title,
    words: BOOK.words,
    wordIdx,
  };
}

export function defineJob(studentKey: number, token: string, from = 0): DefineJob {
  return {
    classId: CLASS,
    studentKey,
    policy: classPolicy(classSettings),
    word: token,
    title: BOOK.title,
    words: BOOK.words,
    wordIdx: wordIndex(token, from),
  };
}

export type Heard =
  | { type: 'position'; n: number }
  | { type: 'chunk'; text: string }
  | { type: 'done'; text: string; source: AnswerSource; flag?: FlagReason }
  | { type: 'teacher'; reason: string };

/** Records a question's events; `end` settles on done or teacher. */
export function listen(): { events: AskEvents; heard: Heard[]; end: Promise<Heard> } {
  const heard: Heard[] = [];
  let settle!: (h: Heard) => void;
  const end = new Promise<Heard>((resolve) => (settle = resolve));
  const events: AskEvents = {
    position: (n) => heard.push({ type: 'position', n }),
    chunk: (text) => heard.push({ type: 'chunk', text }),
    done: (a) => {
      const h: Heard = { type: 'done', text: a.text, source: a.source, ...(a.flag ? { flag: a.flag } : {}) };
      heard.push(h);
      settle(h);
    },
    teacher: (reason) => {
      const h: Heard = { type: 'teacher', reason };
      heard.push(h);
      settle(h);
    },
  };
  return { events, heard, end };
}

export interface Harness {
  fake: FakeGemini;
  relay: RelayProxy;
  /** The settings the relay reads on every call; tests change them in place. */
  settings: Settings;
  cache: SqliteCache;
  /** Drives the per-student question limit. */
  clock: { now: number };
  /** The relay's figures as of now (asked of its worker). */
  stats(): Promise<Record<string, number | string | boolean>>;
  close(): Promise<void>;
}

/** The two routes the relay suites run through. */
export const PROVIDERS = ['gemini', 'vertex'] as const;
export type TestProvider = (typeof PROVIDERS)[number];
let provider: TestProvider = 'gemini';

/** The route the next harnesses use (a suite calls it in beforeEach of its describe.each). */
export function useProvider(p: TestProvider): void {
  provider = p;
}

/** Settings for a route with its credentials, against the fake: a Gemini key, or a Vertex project. */
export function routeSettings(fake: FakeGemini, p: TestProvider = provider): Partial<Settings> {
  return p === 'gemini'
    ? { aiProvider: 'gemini', geminiApiKey: 'test-key', geminiBaseUrl: fake.baseUrl }
    : {
        aiProvider: 'vertex',
        vertexProject: 'example-project',
        vertexLocation: 'europe-west4',
        vertexCredentialsJson: fake.serviceAccountKey(),
        geminiBaseUrl: fake.baseUrl,
      };
}

/** The route's credentials taken away (AI off), and the reason the relay then gives. */
export const withoutCredentials = (): Partial<Settings> => ({ geminiApiKey: '', vertexCredentialsJson: '' });
export const offReason = () => (provider === 'gemini' ? 'no_api_key' : 'vertex_not_configured');

/**
 * A relay with a route (the current provider's), pointed at a fresh fake Gemini, its worker keeping
 * definitions in `cache`'s file; `clock.now` drives the per-student question limit. The proxy sends
 * settings to its worker when the object changes (the server's settings service replaces it on
 * every change); tests change `settings` in place, so each read is a copy.
 */
export async function startHarness(over: Partial<Settings> = {}, cache = new SqliteCache()): Promise<Harness> {
  const fake = await FakeGemini.start();
  const settings = defaultSettings({ ...routeSettings(fake), ...over });
  classSettings = settings;
  const clock = { now: 1_000_000 };
  const relay = new RelayProxy({
    getSettings: () => ({ ...settings }),
    database: { file: cache.file },
    now: () => clock.now,
  });
  return {
    fake,
    relay,
    settings,
    cache,
    clock,
    stats: () => relay.freshStats(),
    close: async () => {
      await relay.close();
      await fake.close();
      cache.close();
    },
  };
}

/** The real provider for a harness's route, for tests of one call at a time. */
export function providerOf(h: Harness): GeminiProvider {
  const route = resolveRoute(h.settings);
  if (!route.on) throw new Error(`the harness has no route: ${route.detail}`);
  return new GeminiProvider(route.config);
}
