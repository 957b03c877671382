// One typed table of every setting: its default, environment variable, command-line flag, and
// whether the teacher may change it from the dashboard. Values are layered, lowest first:
//   default < IT's machine-wide preset < saved for the server < saved for the class
//           < environment < flag < IT's lock
// Class settings (`perClass`) may differ between classes; a class's teacher token changes its own.
// The rest are the server's, shared by every class: only the admin token changes them. A class's
// value beats IT's preset (a preset is a starting point) but never the environment, a flag or a lock.
// The configuration table in docs/it.md is this table; keep them together (test/readme.test.ts checks).
import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join } from 'node:path';

type Kind = 'string' | 'integer' | 'number' | 'boolean';

interface Spec<K extends Kind> {
  kind: K;
  default: K extends 'boolean' ? boolean : K extends 'string' ? string : number;
  env?: string;
  flag?: string;
  /** Range for numbers. */
  min?: number;
  max?: number;
  /** The only values a string may take. */
  choices?: readonly string[];
  /** Why a string is not a value this setting takes, or null (checked after choices). */
  check?: (value: string) => string | null;
  /** The teacher may change it from the dashboard's settings. */
  teacher?: boolean;
  /** May differ per class: saved for one class, changed with that class's teacher token. */
  perClass?: boolean;
  /** Never shown back in full (API keys). */
  secret?: boolean;
  /** Read once at start: changing it needs a restart. */
  restart?: boolean;
  doc: string;
}

const spec = <K extends Kind>(s: Spec<K>): Spec<K> => s;

export const SETTINGS = {
  port: spec({
    kind: 'integer',
    default: 8080,
    min: 0,
    max: 65535,
    env: 'READERAI_PORT',
    flag: 'port',
    teacher: true,
    restart: true,
    doc: 'TCP port for tablets and the dashboard (0 picks a free one).',
  }),
  host: spec({
    kind: 'string',
    default: '0.0.0.0',
    env: 'READERAI_HOST',
    flag: 'host',
    restart: true,
    doc: 'Address to listen on; 0.0.0.0 is every IPv4 interface (the classroom LAN).',
  }),
  publicHost: spec({
    kind: 'string',
    default: '',
    env: 'READERAI_PUBLIC_HOST',
    flag: 'public-host',
    teacher: true,
    doc: 'Address or name put in the join URL and QR code; empty finds the LAN address.',
  }),
  workers: spec({
    kind: 'string',
    default: 'auto',
    env: 'READERAI_WORKERS',
    flag: 'workers',
    restart: true,
    check: (v) => (parseWorkers(v) === null ? `must be auto or a whole number from 1 to ${MAX_WORKERS}` : null),
    doc:
      'Socket worker processes (each class lives on one); auto is one per core available to the server. ' +
      'The desktop app runs 1.',
  }),
  dataDir: spec({
    kind: 'string',
    default: defaultDataDir(),
    env: 'READERAI_DATA_DIR',
    flag: 'data-dir',
    restart: true,
    doc: 'Folder for the database and the admin token.',
  }),
  adminToken: spec({
    kind: 'string',
    default: '',
    env: 'READERAI_ADMIN_TOKEN',
    restart: true,
    secret: true,
    doc: 'Bearer token for the teacher API; empty generates one, kept in the data folder.',
  }),
  teacherRemote: spec({
    kind: 'boolean',
    default: false,
    env: 'READERAI_TEACHER_REMOTE',
    flag: 'teacher-remote',
    restart: true,
    doc: 'Allow the teacher dashboard and API from other machines (off: this machine only).',
  }),
  geminiApiKey: spec({
    kind: 'string',
    default: '',
    env: 'GEMINI_API_KEY',
    teacher: true,
    secret: true,
    doc:
      'Gemini API key (aiProvider gemini). Without a route AI answers are off: questions go to the teacher, ' +
      'definitions come from the offline dictionary.',
  }),
  geminiModel: spec({
    kind: 'string',
    default: 'gemini-3.5-flash-lite',
    env: 'READERAI_GEMINI_MODEL',
    teacher: true,
    doc:
      'Gemini model for answers and definitions (gemini-2.5-flash is retired on 2026-12-01; ' +
      'Google names gemini-3.5-flash-lite as its replacement).',
  }),
  geminiBaseUrl: spec({
    kind: 'string',
    default: '',
    env: 'READERAI_GEMINI_BASE_URL',
    doc:
      "Base URL of the Gemini API or Vertex AI (whichever aiProvider names); empty is Google's. " +
      'Tests point it at a local stand-in.',
  }),
  // The AI route (issue 13): whether AI answers, which Google service answers, and its
  // credentials. Only these settings turn AI on; the Google SDK's own environment variables and
  // the machine's application default credentials are never used (server/llm/route.ts).
  aiAnswers: spec({
    kind: 'boolean',
    default: true,
    env: 'READERAI_AI_ANSWERS',
    teacher: true,
    perClass: true,
    doc: "AI answers on or off (the dashboard's one-click off). On needs a route: aiProvider with its credentials.",
  }),
  aiProvider: spec({
    kind: 'string',
    default: 'gemini',
    choices: ['gemini', 'vertex'],
    env: 'READERAI_AI_PROVIDER',
    teacher: true,
    doc:
      'Which Google service answers: gemini (the Gemini API, with geminiApiKey) or vertex ' +
      "(Vertex AI in the school's Google Cloud project).",
  }),
  vertexProject: spec({
    kind: 'string',
    default: '',
    env: 'READERAI_VERTEX_PROJECT',
    teacher: true,
    doc: 'Google Cloud project ID for Vertex AI (with vertexLocation and a service-account key).',
  }),
  vertexLocation: spec({
    kind: 'string',
    default: '',
    env: 'READERAI_VERTEX_LOCATION',
    teacher: true,
    doc: 'Vertex AI region, e.g. europe-west4 or us-central1 (or global).',
  }),
  vertexCredentials: spec({
    kind: 'string',
    default: '',
    env: 'READERAI_VERTEX_CREDENTIALS',
    doc:
      "Path to the service account's key file (JSON) for Vertex AI. " +
      'The desktop app keeps a key picked in its settings encrypted instead.',
  }),
  vertexCredentialsJson: spec({
    kind: 'string',
    default: '',
    env: 'READERAI_VERTEX_CREDENTIALS_JSON',
    secret: true,
    doc:
      "The service account's key itself (JSON text), instead of a path; " +
      'the desktop app hands over the key it keeps this way.',
  }),
  vertexApiKey: spec({
    kind: 'string',
    default: '',
    env: 'READERAI_VERTEX_API_KEY',
    teacher: true,
    secret: true,
    doc: 'Vertex AI express mode API key, instead of project, region and service account.',
  }),
  gradeLevel: spec({
    kind: 'integer',
    default: 3,
    min: 1,
    max: 12,
    env: 'READERAI_GRADE_LEVEL',
    teacher: true,
    perClass: true,
    doc: 'School grade the tutor pitches its answers at.',
  }),
  llmMaxInFlight: spec({
    kind: 'integer',
    default: 8,
    min: 1,
    max: 256,
    env: 'READERAI_LLM_MAX_IN_FLIGHT',
    teacher: true,
    doc: 'Most Gemini calls under way at once; more questions wait in a fair queue.',
  }),
  questionsPer5Min: spec({
    kind: 'integer',
    default: 10,
    min: 1,
    max: 1000,
    env: 'READERAI_QUESTIONS_PER_5MIN',
    teacher: true,
    perClass: true,
    doc: 'Questions one student may ask in 5 minutes.',
  }),
  geminiRequestsPerMinute: spec({
    kind: 'integer',
    default: 1000,
    min: 1,
    max: 1_000_000,
    env: 'READERAI_GEMINI_RPM',
    teacher: true,
    doc: "Requests per minute the API key's quota allows (for the capacity model).",
  }),
  definitionsPer5Min: spec({
    kind: 'integer',
    default: 60,
    min: 1,
    max: 10_000,
    env: 'READERAI_DEFINITIONS_PER_5MIN',
    teacher: true,
    perClass: true,
    doc: 'Word look-ups one student may send to Gemini in 5 minutes (cached words are free).',
  }),
  llmDeadlineSeconds: spec({
    kind: 'integer',
    default: 30,
    min: 5,
    max: 300,
    env: 'READERAI_LLM_DEADLINE_SECONDS',
    doc: 'Longest a question may take once it is being answered, retries included; then the teacher takes it.',
  }),
  llmOutageSeconds: spec({
    kind: 'integer',
    default: 15,
    min: 1,
    max: 600,
    env: 'READERAI_LLM_OUTAGE_SECONDS',
    doc:
      'After three questions in a row find Gemini down, how long questions go straight to the teacher ' +
      'before Gemini is tried again.',
  }),
  llmMaxRetries: spec({
    kind: 'integer',
    default: 3,
    min: 0,
    max: 10,
    env: 'READERAI_LLM_MAX_RETRIES',
    doc:
      'Retries of a Gemini call after 408/429/500/502/503/504 or a dropped connection ' +
      '(jittered exponential backoff).',
  }),
  geminiInputPricePerMTok: spec({
    kind: 'number',
    default: 0.3,
    min: 0,
    max: 1000,
    env: 'READERAI_GEMINI_INPUT_PRICE',
    doc: 'US dollars per million input tokens, for the cost estimate (gemini-3.5-flash-lite list price).',
  }),
  geminiOutputPricePerMTok: spec({
    kind: 'number',
    default: 2.5,
    min: 0,
    max: 1000,
    env: 'READERAI_GEMINI_OUTPUT_PRICE',
    doc: 'US dollars per million output tokens, for the cost estimate (gemini-3.5-flash-lite list price).',
  }),
  speechInput: spec({
    kind: 'boolean',
    default: false,
    env: 'READERAI_SPEECH_INPUT',
    teacher: true,
    perClass: true,
    doc: "Let students speak questions (Chrome sends the audio to Google's speech service).",
  }),
  nameFilter: spec({
    kind: 'boolean',
    default: false,
    env: 'READERAI_NAME_FILTER',
    teacher: true,
    perClass: true,
    doc: 'Refuse rude names at join.',
  }),
  maxConnectionsPerIp: spec({
    kind: 'integer',
    default: 5000,
    min: 1,
    max: 1_000_000,
    env: 'READERAI_MAX_CONNECTIONS_PER_IP',
    doc: 'Student sockets from one address (schools may put every tablet behind one NAT).',
  }),
  maxPendingConnectionsPerIp: spec({
    kind: 'integer',
    default: 4000,
    min: 1,
    max: 1_000_000,
    env: 'READERAI_MAX_PENDING_CONNECTIONS_PER_IP',
    restart: true,
    doc:
      'Connections from one address that are not (yet) a student or dashboard socket: page loads, joins, ' +
      'requests still arriving. 4000 lets 1,000 tablets behind one NAT load the app at the same moment.',
  }),
  headersTimeoutSeconds: spec({
    kind: 'integer',
    default: 10,
    min: 1,
    max: 300,
    env: 'READERAI_HEADERS_TIMEOUT_SECONDS',
    restart: true,
    doc: 'A connection that has not sent a whole request head by then (idle, slow or half-sent) is closed (408).',
  }),
  keepAliveTimeoutSeconds: spec({
    kind: 'integer',
    default: 5,
    min: 1,
    max: 300,
    env: 'READERAI_KEEP_ALIVE_TIMEOUT_SECONDS',
    restart: true,
    doc: 'An idle keep-alive connection is closed after this (plus the 1 s Node adds).',
  }),
  joinsPerMinutePerIp: spec({
    kind: 'integer',
    default: 600,
    min: 1,
    max: 1_000_000,
    env: 'READERAI_JOINS_PER_MINUTE_PER_IP',
    doc:
      'New students one address may add in a minute (a whole school may share one address; ' +
      'a script that knows the code cannot fill the class).',
  }),
  messagesPerSecond: spec({
    kind: 'integer',
    default: 20,
    min: 1,
    max: 10_000,
    env: 'READERAI_MESSAGES_PER_SECOND',
    doc: 'Frames per second one socket may send (bursts of twice that are allowed).',
  }),
  maxBufferedKb: spec({
    kind: 'integer',
    default: 256,
    min: 16,
    max: 65_536,
    env: 'READERAI_MAX_BUFFERED_KB',
    doc: 'Unsent data kept for one slow tablet before it is dropped (it resumes on reconnect).',
  }),
  maxBookMb: spec({
    kind: 'integer',
    default: 300,
    min: 1,
    max: 4096,
    env: 'READERAI_MAX_BOOK_MB',
    doc: 'Largest book file a teacher may import (an EPUB with its narration audio); larger ones get 413.',
  }),
  heartbeatSeconds: spec({
    kind: 'integer',
    default: 30,
    min: 1,
    max: 3600,
    env: 'READERAI_HEARTBEAT_SECONDS',
    doc: 'Ping interval; a socket that misses a pong is closed.',
  }),
  capacityReservePct: spec({
    kind: 'integer',
    default: 25,
    min: 0,
    max: 90,
    env: 'READERAI_CAPACITY_RESERVE_PCT',
    teacher: true,
    doc: 'Share of each resource kept free when computing headroom.',
  }),
  networkMbps: spec({
    kind: 'integer',
    default: 100,
    min: 1,
    max: 1_000_000,
    env: 'READERAI_NETWORK_MBPS',
    teacher: true,
    doc: "Megabits per second between the server and the tablets (its link, or the school's Wi-Fi), for capacity.",
  }),
  retentionDays: spec({
    kind: 'integer',
    default: 365,
    min: 0,
    max: 36_500,
    env: 'READERAI_RETENTION_DAYS',
    doc:
      "Days after a class's last lesson before the class and every record in it are erased on their own; " +
      '0 keeps them until deleted by hand.',
  }),
  logLevel: spec({
    kind: 'string',
    default: 'warn',
    env: 'READERAI_LOG_LEVEL',
    flag: 'log-level',
    restart: true,
    doc: 'Server log detail: error, warn, info or debug.',
  }),
  tlsCert: spec({
    kind: 'string',
    default: '',
    env: 'READERAI_TLS_CERT',
    restart: true,
    doc: "Path to the school's TLS certificate (PEM); with tlsKey, serves HTTPS/WSS.",
  }),
  tlsKey: spec({
    kind: 'string',
    default: '',
    env: 'READERAI_TLS_KEY',
    restart: true,
    secret: true,
    doc: 'Path to the TLS private key (PEM).',
  }),
  extraCaCerts: spec({
    kind: 'string',
    default: '',
    env: 'READERAI_EXTRA_CA_CERTS',
    restart: true,
    doc:
      'Path to a PEM file of certificate authorities to trust for Gemini ' +
      "(a TLS-inspecting proxy's root), besides the system store.",
  }),
};

/** More socket workers than this is a typo, not a machine (each costs a process and its heap). */
export const MAX_WORKERS = 64;

/** The `workers` setting: 'auto', or a whole number 1..MAX_WORKERS; null for anything else. */
export function parseWorkers(value: string): number | 'auto' | null {
  if (value === 'auto') return 'auto';
  if (!/^[0-9]+$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= MAX_WORKERS ? n : null;
}

export type SettingKey = keyof typeof SETTINGS;
type ValueOf<K extends SettingKey> = (typeof SETTINGS)[K]['default'];
export type Settings = { [K in SettingKey]: ValueOf<K> };
export type Layer = Partial<Record<SettingKey, unknown>>;
export type SourceName = 'default' | 'machine' | 'teacher' | 'class' | 'environment' | 'flag' | 'locked';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function defaultDataDir(): string {
  const home = homedir();
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'ReaderAI');
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'ReaderAI');
  return join(process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'readerai');
}

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

/** Checks and converts one value (strings from env and flags are parsed). Throws ConfigError. */
export function coerce<K extends SettingKey>(key: K, raw: unknown, from: string): ValueOf<K> {
  const s = SETTINGS[key] as Spec<Kind>;
  const bad = (why: string) => new ConfigError(`${from}: ${key} ${why} (got ${JSON.stringify(raw)}).`);
  switch (s.kind) {
    case 'string': {
      if (typeof raw !== 'string') throw bad('must be a string');
      const value = raw.trim();
      if (s.choices && !s.choices.includes(value)) throw bad(`must be one of ${s.choices.join(', ')}`);
      const why = s.check?.(value) ?? null;
      if (why !== null) throw bad(why);
      return value;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const t = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      if (['1', 'true', 'yes', 'on'].includes(t)) return true;
      if (['0', 'false', 'no', 'off', ''].includes(t)) return false;
      throw bad('must be true or false');
    }
    case 'integer':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw bad('must be a number');
      if (s.kind === 'integer' && !Number.isInteger(n)) throw bad('must be a whole number');
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) {
        throw bad(`must be between ${s.min} and ${s.max}`);
      }
      return n;
    }
  }
}

function checkLayer(layer: Record<string, unknown>, from: string): Layer {
  const out: Layer = {};
  for (const [key, raw] of Object.entries(layer)) {
    if (!isSettingKey(key)) {
      throw new ConfigError(`${from}: unknown setting "${key}". Known settings: ${Object.keys(SETTINGS).join(', ')}.`);
    }
    out[key] = coerce(key, raw, from);
  }
  return out;
}

export function envLayer(env: NodeJS.ProcessEnv): Layer {
  const raw: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(SETTINGS) as [SettingKey, Spec<Kind>][]) {
    const v = s.env ? env[s.env] : undefined;
    if (v !== undefined && v !== '') raw[key] = v;
  }
  return checkLayer(raw, 'environment');
}

export const USAGE = `Usage: npm run serve -- [options]
${(Object.entries(SETTINGS) as [SettingKey, Spec<Kind>][])
  .filter(([, s]) => s.flag)
  .map(([, s]) => `  --${s.flag}${s.kind === 'boolean' ? '' : ' <value>'}`.padEnd(30) + s.doc)
  .join('\n')}
  --help                        Print this help.
Every setting also has an environment variable; see docs/it.md (Configuration).`;

export function flagLayer(argv: readonly string[]): { layer: Layer; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  const byFlag = new Map<string, SettingKey>();
  for (const [key, s] of Object.entries(SETTINGS) as [SettingKey, Spec<Kind>][]) {
    if (!s.flag) continue;
    options[s.flag] = { type: s.kind === 'boolean' ? 'boolean' : 'string' };
    byFlag.set(s.flag, key);
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new ConfigError(`command line: ${(err as Error).message}\n${USAGE}`);
  }
  const raw: Record<string, unknown> = {};
  for (const [flag, v] of Object.entries(values)) {
    const key = byFlag.get(flag);
    if (key && v !== undefined) raw[key] = v;
  }
  return { layer: checkLayer(raw, 'command line'), help: values.help === true };
}

/** IT's machine-wide file: `{ "preset": { ... }, "locked": { ... } }`, both optional. */
export function machineLayers(json: unknown, path: string): { preset: Layer; locked: Layer } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`${path}: must be a JSON object with "preset" and/or "locked".`);
  }
  const { preset = {}, locked = {}, ...rest } = json as Record<string, unknown>;
  const extra = Object.keys(rest).filter((k) => k !== '$comment');
  if (extra.length > 0) {
    throw new ConfigError(`${path}: unknown top-level key(s) ${extra.join(', ')}; expected "preset" and "locked".`);
  }
  const asObject = (v: unknown, name: string) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new ConfigError(`${path}: "${name}" must be an object.`);
    return v as Record<string, unknown>;
  };
  return {
    preset: checkLayer(asObject(preset, 'preset'), `${path} preset`),
    locked: checkLayer(asObject(locked, 'locked'), `${path} locked`),
  };
}

/** Where IT puts the machine-wide file on each platform. */
export function machineConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.READERAI_MACHINE_CONFIG) return env.READERAI_MACHINE_CONFIG;
  if (process.platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'ReaderAI', 'config.json');
  if (process.platform === 'darwin') return '/Library/Application Support/ReaderAI/config.json';
  return '/etc/readerai/config.json';
}

export interface Layers {
  machine: Layer;
  /** Saved from the dashboard with the admin token: the server's, for every class. */
  teacher: Layer;
  /** Saved for one class (class settings only); absent when resolving the server's own values. */
  class?: Layer;
  environment: Layer;
  flag: Layer;
  locked: Layer;
}

const ORDER = ['locked', 'flag', 'environment', 'class', 'teacher', 'machine'] as const;

/** The effective value of every setting and the layer it came from. */
export function resolve(layers: Layers): { settings: Settings; sources: Record<SettingKey, SourceName> } {
  const settings = {} as Record<SettingKey, unknown>;
  const sources = {} as Record<SettingKey, SourceName>;
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const from = ORDER.find((name) => layers[name]?.[key] !== undefined);
    settings[key] = from ? layers[from]?.[key] : SETTINGS[key].default;
    sources[key] = from ?? 'default';
  }
  return { settings: settings as Settings, sources };
}

/** The settings that may differ per class (the rest are the server's). */
export const CLASS_SETTINGS = (Object.keys(SETTINGS) as SettingKey[]).filter(
  (key) => (SETTINGS[key] as Spec<Kind>).perClass === true,
);
export type ClassSettingKey = (typeof CLASS_SETTINGS)[number];

export function isClassSetting(key: SettingKey): boolean {
  return (SETTINGS[key] as Spec<Kind>).perClass === true;
}

/**
 * Why the caller may not change a setting, or null if they may. A class's teacher token changes
 * its class's settings only; the admin token also changes the server's.
 */
export function teacherCannotSet(
  key: SettingKey,
  sources: Record<SettingKey, SourceName>,
  admin = true,
): string | null {
  const s = SETTINGS[key] as Spec<Kind>;
  if (!s.teacher) return `${key} is not a classroom setting; IT sets it (see docs/it.md).`;
  if (!admin && !s.perClass)
    return (
      `${key} applies to every class on this server; IT changes it with the admin token ` +
      "(the desktop app, or the dashboard opened on the server's machine)."
    );
  const source = sources[key];
  if (source === 'locked') return `${key} is locked by your school's IT configuration.`;
  if (source === 'environment' || source === 'flag')
    return `${key} is set by the server's ${source === 'flag' ? 'command line' : 'environment'}.`;
  return null;
}

/** The values a setting may take, when it is a choice. */
export function choicesOf(key: SettingKey): readonly string[] | undefined {
  return (SETTINGS[key] as Spec<Kind>).choices;
}

export function isSecret(key: SettingKey): boolean {
  return (SETTINGS[key] as Spec<Kind>).secret === true;
}
