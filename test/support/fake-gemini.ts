// A local stand-in for Google's Gemini API, speaking its REST format on 127.0.0.1:
//   POST /v1beta/models/{model}:streamGenerateContent?alt=sse   (server-sent events)
//   POST /v1beta/models/{model}:generateContent                 (one JSON body)
// Each request takes the next scripted reply (then the fallback): a recorded fixture, chunks
// with delays, an HTTP error with a retry hint, a stream cut short, a hang, or malformed events.
// It records every request body so tests can check what would have left the building.
// The load benchmark reuses it with `latencyMs` and `chunkDelayMs`.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const FIXTURES = new URL('../fixtures/gemini/', import.meta.url);

export type Reply =
  /** A recorded response from test/fixtures/gemini (.txt streamed event by event, .json as is). */
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
  /** An error status with Google's error body; `retryDelay` adds a RetryInfo detail ("2s"). */
  | { status: number; retryDelay?: string; retryAfter?: string }
  /** These chunks, then the connection is dropped mid-answer. */
  | { cut: string[] }
  /** Headers, then nothing, ever (until the client gives up or the fake closes). */
  | { hang: true }
  /** A server-sent event that is not JSON. */
  | { malformed: true };

export interface RecordedRequest {
  model: string;
  method: 'streamGenerateContent' | 'generateContent';
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

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
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
    const m = /^\/v1beta\/models\/([^/:]+):(streamGenerateContent|generateContent)(\?alt=sse)?$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 404, message: 'not found', status: 'NOT_FOUND' } }));
      return;
    }
    const recorded: RecordedRequest = {
      model: m[1] as string,
      method: m[2] as RecordedRequest['method'],
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
    else this.unary(reply, res);
  }

  private error(res: ServerResponse, status: number, retryDelay?: string, retryAfter?: string): void {
    const details = retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] : undefined;
    const body = {
      error: {
        code: status,
        message: `Fake upstream says ${status}.`,
        status: STATUS_NAMES[status] ?? 'UNKNOWN',
        ...(details ? { details } : {}),
      },
    };
    res.writeHead(status, { 'content-type': 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) });
    res.end(JSON.stringify(body));
  }

  private async stream(reply: Reply, res: ServerResponse): Promise<void> {
    if ('status' in reply) return this.error(res, reply.status, reply.retryDelay, reply.retryAfter);
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

  private unary(reply: Reply, res: ServerResponse): void {
    if ('status' in reply) return this.error(res, reply.status, reply.retryDelay, reply.retryAfter);
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
      body = JSON.stringify(textResponse(reply.chunks.join(''), 'STOP', reply.usage));
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  }

  async close(): Promise<void> {
    for (const res of this.open) res.socket?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
