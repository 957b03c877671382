// How the primary passes requests to a socket worker's private listener (a unix socket, a named
// pipe on Windows): plain HTTP streamed both ways over keep-alive connections (a 300 MB book
// import is never held in memory), and under TLS the decrypted bytes of a WebSocket. The
// client's address travels in X-Forwarded-For, which the worker believes only on that listener
// (server/cluster/worker.ts); whatever a client sent under that name is dropped here.
import {
  Agent,
  request,
  STATUS_CODES,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';
import { ErrorCode } from '../../shared/protocol/codes.js';

/** Connection-level headers: they describe the client's connection, not the primary's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer']);
/** Who is asking, said by the primary alone. */
const FORWARDED = new Set(['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded']);

/** The request's headers as the worker gets them: the client's, with the primary's word on who sent them. */
export function forwardedHeaders(
  headers: IncomingMessage['headers'],
  client: { address: string; tls: boolean },
  o: { upgrade?: boolean } = {},
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || FORWARDED.has(name)) continue;
    if (HOP_BY_HOP.has(name) && !(o.upgrade && name === 'connection')) continue;
    out[name] = value;
  }
  out['x-forwarded-for'] = client.address;
  out['x-forwarded-proto'] = client.tls ? 'https' : 'http';
  return out;
}

export function workerAgent(): Agent {
  // Enough for the page loads of a few classes arriving at once; more wait their turn here.
  return new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 32 });
}

/** A short JSON answer from the primary itself (no worker could take the request). */
export function answer(
  res: ServerResponse,
  status: number,
  message: string,
  o: { retryAfter?: number; code?: string } = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    ...(o.retryAfter === undefined ? {} : { 'retry-after': String(o.retryAfter) }),
  });
  res.end(
    JSON.stringify({ statusCode: status, code: o.code ?? ErrorCode.SERVER_BUSY, error: STATUS_CODES[status], message }),
  );
}

export const RESTARTING = 'The class computer is restarting part of itself. Try again in a moment.';

/** Streams the request to the worker and its answer back; `body` is what was read of it already. */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  to: { socketPath: string; agent: Agent; tls: boolean },
  body?: Buffer,
): void {
  const headers = forwardedHeaders(req.headers, { address: req.socket.remoteAddress ?? '', tls: to.tls });
  if (body !== undefined) headers['content-length'] = body.length;
  const out = request({ socketPath: to.socketPath, agent: to.agent, method: req.method, path: req.url, headers });
  out.on('response', (back) => {
    const answerHeaders: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(back.headers))
      if (value !== undefined && !HOP_BY_HOP.has(name)) answerHeaders[name] = value;
    res.writeHead(back.statusCode ?? 502, answerHeaders);
    pipeline(back, res, () => undefined);
  });
  // A worker that died mid-request: the tablet retries, as after any dropped connection.
  out.on('error', () => answer(res, 503, RESTARTING, { retryAfter: 2 }));
  res.on('close', () => {
    if (!res.writableFinished) out.destroy();
  });
  if (body !== undefined) out.end(body);
  else pipeline(req, out, () => undefined);
}

/** The request head as it came (for a socket handed to a worker, which parses it again). */
export function rawHead(req: IncomingMessage): Buffer {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
}

/**
 * Under TLS a socket cannot change process (its encryption state lives here): the upgrade goes
 * to the worker's private listener and the decrypted bytes are piped both ways.
 */
export function pipeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, socketPath: string): void {
  const headers = forwardedHeaders(
    req.headers,
    { address: req.socket.remoteAddress ?? '', tls: true },
    { upgrade: true },
  );
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (const [name, value] of Object.entries(headers))
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(v)}`);
  const upstream: Socket = connect(socketPath);
  upstream.write(Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'));
  if (head.length > 0) upstream.write(head);
  upstream.pipe(socket).pipe(upstream);
  const end = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.on('error', end).on('close', end);
  socket.on('error', end).on('close', end);
}
