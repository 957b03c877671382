// The primary process with several socket workers: it runs the migrations, listens on the one
// public port, and routes. A WebSocket upgrade is read up to its request head, its class found
// (server/cluster/route.ts) and the socket itself handed to the class's worker, so no frame of a
// live socket passes through here. Plain HTTP is forwarded to the class's worker (or any worker)
// over that worker's private listener. Under TLS the primary terminates TLS, and upgrades are
// piped to the worker instead (an encrypted socket cannot change process).
import {
  createServer as createHttp,
  type Agent,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Settings } from '../config.js';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { ClassLookup } from './lookup.js';
import { workerOf } from './placement.js';
import { answer, forward, pipeUpgrade, rawHead, RESTARTING, workerAgent } from './proxy.js';
import { classOfJoin, routeOf, type Route } from './route.js';
import { gatherClassLists } from './gather.js';
import type { Supervisor } from './supervisor.js';
import type { Db } from '../store/db.js';
import { CLASS_HEADER } from '../http/security.js';

/** A join's JSON is a few hundred bytes; the primary reads at most this of one to route it. */
const JOIN_BODY_MAX = 16 * 1024;
/** A whole request (headers and body) must arrive within this (as server/guard/plugin.ts). */
const REQUEST_TIMEOUT_MS = 30_000;

export interface PrimaryOptions {
  settings: Settings;
  adminToken: string;
  tls: { cert: Buffer; key: Buffer; handshakeTimeout: number } | null;
  db: Db;
  workers: Supervisor;
  /** Worker i's private listener. */
  path: (index: number) => string;
}

export class Primary {
  readonly server: Server;
  private readonly lookup: ClassLookup;
  private readonly agents: Agent[];
  private next = 0;

  constructor(private readonly o: PrimaryOptions) {
    this.lookup = new ClassLookup(o.db);
    this.agents = Array.from({ length: o.workers.count }, workerAgent);
    this.server = o.tls
      ? createHttps({ cert: o.tls.cert, key: o.tls.key, handshakeTimeout: o.tls.handshakeTimeout })
      : createHttp();
    const s = o.settings;
    this.server.headersTimeout = s.headersTimeoutSeconds * 1000;
    this.server.requestTimeout = Math.max(REQUEST_TIMEOUT_MS, this.server.headersTimeout);
    this.server.keepAliveTimeout = s.keepAliveTimeoutSeconds * 1000;
    this.server.on('request', (req, res) => this.request(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        // After listen nobody else hears the server's errors (a full descriptor table on accept).
        this.server.on('error', () => undefined);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise((resolve) => this.server.close(resolve));
    this.server.closeAllConnections();
    await closed;
    for (const agent of this.agents) agent.destroy();
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    const route = routeOf(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers },
      this.o.adminToken,
    );
    if (route.by === 'join-body') {
      void this.joinBody(req, res);
      return;
    }
    if (route.by === 'every-worker') {
      void gatherClassLists(req, res, {
        workers: this.o.workers,
        agents: this.agents,
        path: this.o.path,
        tls: this.o.tls !== null,
        order: () => this.lookup.all(),
      });
      return;
    }
    const extra = route.by === 'first-class' ? this.firstClassHeader() : {};
    this.forwardTo(this.workerFor(route), req, res, undefined, extra);
  }

  /** The admin token acts on the first class: the worker is told which (it knows only its own). */
  private firstClassHeader(): Record<string, string> {
    const first = this.lookup.first();
    return first === undefined ? {} : { [CLASS_HEADER]: first };
  }

  private async joinBody(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readSmallBody(req, JOIN_BODY_MAX);
    } catch {
      // Too large for a join, or the client went away: the route's own limit says the same.
      answer(res, 413, 'Request body is too large.', { code: ErrorCode.BAD_REQUEST });
      req.socket.destroy();
      return;
    }
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      // The worker answers a malformed body with its usual 400.
    }
    const path = (req.url ?? '').split('?')[0]!;
    const clue = classOfJoin(path, parsed);
    let classId: string | undefined;
    if (clue.by === 'class') classId = clue.classId;
    else if (clue.by === 'code') {
      classId = this.lookup.byCode(clue.code) ?? (clue.token ? this.lookup.byStudentToken(clue.token) : undefined);
    }
    // A code no class has goes to worker 0, so every wrong guess counts in one place.
    this.forwardTo(classId === undefined ? 0 : workerOf(classId, this.o.workers.count), req, res, body);
  }

  private workerFor(route: Route): number {
    const n = this.o.workers.count;
    if (route.by === 'class') return workerOf(route.classId, n);
    if (route.by === 'teacher-token') {
      const classId = this.lookup.byTeacherToken(route.token);
      if (classId !== undefined) return workerOf(classId, n);
    }
    if (route.by === 'first-class') {
      const first = this.lookup.first();
      if (first !== undefined) return workerOf(first, n);
    }
    return this.anyWorker();
  }

  /** Round robin over the workers that are up (pages, books, health spread their load). */
  private anyWorker(): number {
    const n = this.o.workers.count;
    for (let i = 0; i < n; i++) {
      const index = (this.next + i) % n;
      if (this.o.workers.isReady(index)) {
        this.next = index + 1;
        return index;
      }
    }
    return 0;
  }

  private forwardTo(
    index: number,
    req: IncomingMessage,
    res: ServerResponse,
    body?: Buffer,
    extra: Record<string, string> = {},
  ): void {
    if (!this.o.workers.isReady(index)) {
      answer(res, 503, RESTARTING, { retryAfter: 2 });
      return;
    }
    Object.assign(req.headers, extra);
    forward(req, res, { socketPath: this.o.path(index), agent: this.agents[index]!, tls: this.o.tls !== null }, body);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const route = routeOf(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers },
      this.o.adminToken,
    );
    const index = route.by === 'class' ? workerOf(route.classId, this.o.workers.count) : this.anyWorker();
    if (!this.o.workers.isReady(index)) {
      // The tablet backs off and tries again; its worker is back within seconds.
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      );
      return;
    }
    if (this.o.tls) {
      pipeUpgrade(req, socket, head, this.o.path(index));
      return;
    }
    // Bytes that arrived after the head (a client should wait for the 101, but may not) go too.
    const buffered = (socket as Socket).read() as Buffer | null;
    const bytes = Buffer.concat([rawHead(req), head, ...(buffered ? [buffered] : [])]);
    if (!this.o.workers.send(index, { type: 'socket', head: bytes.toString('base64') }, socket as Socket))
      socket.destroy();
  }
}

function readSmallBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.pause();
        reject(new Error('too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}
