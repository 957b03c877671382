// A local stand-in for Google's Gemini API and Vertex AI, speaking their REST format on 127.0.0.1:
//   POST /{v1|v1beta}/models/{model}:streamGenerateContent?alt=sse               (Gemini API, SSE)
//   POST /{v1|v1beta}/models/{model}:generateContent                             (one JSON body)
//   POST /{v1|v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{model}:…  (Vertex AI)
//   POST /{v1|v1beta1}/publishers/google/models/{model}:…                        (Vertex express mode)
//   POST /token   an OAuth token endpoint for service-account keys made by `serviceAccountKey()`
// Each request takes the next scripted reply (then the fallback): a recorded fixture, chunks
// with delays, an HTTP error with a retry hint, a stream cut short, a hang, or malformed events.
// It records every request body so tests can check what would have left the building.
// The load benchmark reuses it with `latencyMs` and `chunkDelayMs`.
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const FIXTURES = new URL('./fixtures/gemini/', import.meta.url);

export type Reply =
  /** A recorded response from testkit/fixtures/gemini (.txt streamed event by event, .json as is). */
  | { fixture: string; chunkDelayMs?: number }
  /**
   * Text chunks, each its own event (joined into one body for generateContent). `before(i)` is
   * awaited before chunk i is sent, so a test can hold the stream at a known point.
   */
  | {
      chunks: string[];
      chunkDelayMs?: number;
      before?: (index: number) => Promise<void>;
      usage?: { prompt: number; output: number };
    }
  /**
   * An error status with Google's error body; `retryDelay` adds a RetryInfo detail ("2s"),
   * `message` replaces the body's sentence (e.g. Google's "API key not valid" text).
   */
  | { status: number; retryDelay?: string; retryAfter?: string; message?: string }
  /** These chunks, then the connection is dropped mid-answer. */
  | { cut: string[] }
  /** Headers, then nothing, ever (until the client gives up or the fake closes). */
  | { hang: true }
  /** A server-sent event that is not JSON. */
  | { malformed: true };

export interface RecordedRequest {
  model: string;
  method: 'streamGenerateContent' | 'generateContent';
  /** The path's shape: the Gemini API's, or Vertex AI's (with or without project and region). */
  api: 'gemini' | 'vertex';
  version: string;
  project?: string;
  location?: string;
  headers: IncomingMessage['headers'];
  /** The raw body, exactly as received. */
  raw: string;
  body: {
    contents?: { role?: string; parts?: { text?: string }[] }[];
    systemInstruction?: { role?: string; parts?: { text?: string }[] };
    safetySettings?: { category: string; threshold: string }[];
    generationConfig?: Record<string, unknown>;
  };
  receivedAt: number;
  /** When the connection closed (the reply ended, or the client gave up on it). */
  closedAt?: number;
}

/** A model call in either service's shape, with or without Vertex AI's project and region. */
const MODEL_PATH =
  /^\/(?<version>v1|v1beta|v1beta1)\/(?:projects\/(?<project>[^/]+)\/locations\/(?<location>[^/]+)\/)?(?<publishers>publishers\/google\/)?models\/(?<model>[^/:]+):(?<method>streamGenerateContent|generateContent)(?:\?alt=sse)?$/;
const GEMINI_VERSIONS = new Set(['v1', 'v1beta']);
const VERTEX_VERSIONS = new Set(['v1', 'v1beta1']);

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

function textResponse(text: string, finishReason?: string, usage?: { prompt: number; output: number }): object {
  return {
    candidates: [
      { content: { parts: [{ text }], role: 'model' }, index: 0, ...(finishReason ? { finishReason } : {}) },
    ],
    ...(usage
      ? {
          usageMetadata: {
            promptTokenCount: usage.prompt,
            candidatesTokenCount: usage.output,
            totalTokenCount: usage.prompt + usage.output,
          },
        }
      : {}),
  };
}

export function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** The events of a recorded stream, one JSON text each. */
export function fixtureEvents(name: string): string[] {
  return readFixture(name)
    .split(/\r?\n\r?\n/)
    .map((block) => block.trim())
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
}

export class FakeGemini {
  readonly requests: RecordedRequest[] = [];
  /** Wait before answering each request (models a distant, busy upstream). */
  latencyMs = 0;
  /** Default pause between streamed chunks, for replies that do not set their own. */
  chunkDelayMs = 0;
  private readonly script: Reply[] = [];
  private fallback: (req: RecordedRequest) => Reply = () => ({ chunks: ['Hello from the fake.'] });
  private readonly open = new Set<ServerResponse>();
  /** Every request of any kind, as "METHOD /path" (also those answered 404). */
  readonly hits: string[] = [];
  /** Signed assertions the token endpoint accepted (their claims), in order. */
  readonly tokenRequests: Record<string, unknown>[] = [];
  /** Set to make the token endpoint refuse keys, as Google does for a deleted key. */
  refuseTokens = false;
  private readonly issued = new Set<string>();
  private readonly keys = new Map<string, string>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeGemini> {
    const server = createServer();
    const fake = new FakeGemini(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** Base URL for the SDK's `baseUrl` request option. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The server settings that turn AI on through this stand-in (a Gemini API key and its address). */
  get serverEnv(): Record<string, string> {
    return { GEMINI_API_KEY: 'test-key', READERAI_GEMINI_BASE_URL: this.baseUrl };
  }

  /** Queues replies, used one per request in order. */
  reply(...replies: Reply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** The reply for requests once the queue is empty. */
  otherwise(fn: (req: RecordedRequest) => Reply): this {
    this.fallback = fn;
    return this;
  }

  /**
   * A service account's key file (JSON text) whose token_uri is this fake: a fresh RSA key pair;
   * the fake checks each signed assertion against the public half.
   */
  serviceAccountKey(email = 'readerai-test@example-project.iam.gserviceaccount.com'): string {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.keys.set(email, publicKey.export({ type: 'spki', format: 'pem' }).toString());
    return JSON.stringify({
      type: 'service_account',
      project_id: 'example-project',
      private_key_id: 'test',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      token_uri: `${this.baseUrl}/token`,
    });
  }

  /** Every text part the fake received, in every request (system instruction included). */
  allText(): string {
    return this.requests.map((r) => r.raw).join('\n');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    this.hits.push(`${req.method} ${req.url}`);
    if (req.method === 'POST' && req.url === '/token') return this.token(raw, res);
    const m = MODEL_PATH.exec(req.url ?? '');
    if (req.method !== 'POST' || !m?.groups) return this.error(res, 404);
    const g = m.groups;
    const api = g.publishers ? 'vertex' : 'gemini';
    const version = g.version as string;
    // Each service has its own versions, and only Vertex AI has projects.
    if (!(api === 'vertex' ? VERTEX_VERSIONS : GEMINI_VERSIONS).has(version) || (api === 'gemini' && g.project)) {
      return this.error(res, 404);
    }
    // Vertex AI without an API key wants a token this fake issued.
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (api === 'vertex' && !req.headers['x-goog-api-key'] && !(bearer && this.issued.has(bearer))) {
      return this.error(res, 401);
    }
    const recorded: RecordedRequest = {
      model: g.model as string,
      method: g.method as RecordedRequest['method'],
      api,
      version,
      ...(g.project ? { project: g.project, location: g.location } : {}),
      headers: req.headers,
      raw,
      body: JSON.parse(raw) as RecordedRequest['body'],
      receivedAt: Date.now(),
    };
    this.requests.push(recorded);
    res.on('close', () => (recorded.closedAt = Date.now()));
    const reply = this.script.shift() ?? this.fallback(recorded);
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (recorded.method === 'streamGenerateContent') await this.stream(reply, res);
    else this.unary(reply, res, recorded.model);
  }

  /** The OAuth token endpoint (RFC 7523 JWT bearer grant), checking the assertion's signature. */
  private token(raw: string, res: ServerResponse): void {
    const form = new URLSearchParams(raw);
    const [header = '', claims = '', signature = ''] = (form.get('assertion') ?? '').split('.');
    let payload: Record<string, unknown> = {};
    try {
      payload = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      // Checked below: no issuer, no token.
    }
    const publicKey = this.keys.get(String(payload.iss));
    const valid =
      form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
      publicKey !== undefined &&
      createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(publicKey, signature, 'base64url');
    if (!valid || this.refuseTokens) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }));
      return;
    }
    this.tokenRequests.push(payload);
    const token = `fake-token-${this.tokenRequests.length}`;
    this.issued.add(token);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: token, expires_in: 3600, token_type: 'Bearer' }));
  }

  private error(res: ServerResponse, status: number, retryDelay?: string, retryAfter?: string, message?: string): void {
    const details = retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] : undefined;
    const body = {
      error: {
        code: status,
        message: message ?? `Fake upstream says ${status}.`,
        status: STATUS_NAMES[status] ?? 'UNKNOWN',
        ...(details ? { details } : {}),
      },
    };
    res.writeHead(status, { 'content-type': 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) });
    res.end(JSON.stringify(body));
  }

  private async stream(reply: Reply, res: ServerResponse): Promise<void> {
    if ('status' in reply) return this.error(res, reply.status, reply.retryDelay, reply.retryAfter, reply.message);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    const send = (json: string) => res.write(`data: ${json}\r\n\r\n`);
    if ('hang' in reply) return;
    if ('malformed' in reply) {
      res.end('data: {"candidates": [{"content": {"parts": [{"text": "Hel\r\n\r\n');
      return;
    }
    if ('cut' in reply) {
      for (const text of reply.cut) send(JSON.stringify(textResponse(text)));
      // Give the bytes a moment to leave, then drop the connection without ending the body.
      await sleep(20);
      res.socket?.destroy();
      return;
    }
    const delay = reply.chunkDelayMs ?? this.chunkDelayMs;
    const events =
      'fixture' in reply
        ? fixtureEvents(reply.fixture)
        : reply.chunks.map((text, i) =>
            JSON.stringify(
              textResponse(
                text,
                i === reply.chunks.length - 1 ? 'STOP' : undefined,
                i === reply.chunks.length - 1 ? reply.usage : undefined,
              ),
            ),
          );
    for (const [i, event] of events.entries()) {
      if (i > 0 && delay > 0) await sleep(delay);
      if ('before' in reply && reply.before) await reply.before(i);
      if (res.destroyed) return;
      send(event);
    }
    res.end();
  }

  private unary(reply: Reply, res: ServerResponse, model: string): void {
    if ('status' in reply) return this.error(res, reply.status, reply.retryDelay, reply.retryAfter, reply.message);
    if ('hang' in reply) return;
    if ('cut' in reply) {
      res.socket?.destroy();
      return;
    }
    if ('malformed' in reply) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"candidates": [');
      return;
    }
    let body: string;
    let status = 200;
    if ('fixture' in reply) {
      body = readFixture(reply.fixture);
      const error = (JSON.parse(body) as { error?: { code?: number } }).error;
      if (error?.code) status = error.code;
    } else {
      // Google names the version that answered (a model name may be an alias).
      body = JSON.stringify({
        ...textResponse(reply.chunks.join(''), 'STOP', reply.usage),
        modelVersion: `${model}-001`,
      });
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  }

  async close(): Promise<void> {
    for (const res of this.open) res.socket?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
