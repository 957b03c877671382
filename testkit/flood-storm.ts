// The slow-client flood under a reading class (`npm run bench:storm -- --flood N`): tablets read
// and save while a few addresses hold thousands of half-open (or dribbling) requests past the
// server's descriptor limit; every few seconds a new tablet from yet another address joins.
// Measures what the server holds, what the readers and the newcomers see, and how fast it is
// back to normal after the flood stops.
import { request } from 'node:http';
import WebSocket from 'ws';
import type { CapacityView, JoinResponse } from '../shared/protocol/index.js';
import { quantile, teacherCall, type Fleet, type ServerUnderTest } from './fleet.js';
import { waitUntil } from './wait.js';
import { SlowFlood, type FloodFigures } from './flood.js';

export interface FloodStormOptions {
  connections: number;
  addresses: readonly string[];
  seconds: number;
  /** One header byte this often (slow clients); null: half-open requests. */
  dribbleMs: number | null;
  /** Source addresses for the tablets that join during and after the flood. */
  newcomer: (i: number) => string;
}

export interface FloodStormResult {
  flood: FloodFigures;
  /** Server side, worst second while the flood was on. */
  maxOpenConnections: number;
  maxPending: number;
  maxOpenFds: number | null;
  fdLimit: number | null;
  refused: number;
  evicted: number;
  dropped: number;
  exhaustedSeen: string[];
  /** Each round: every reader sends an update; the time until the last is acknowledged. */
  roundP50Ms: number | null;
  roundMaxMs: number | null;
  readersDropped: number;
  /** Tablets from other addresses joining (HTTP join to SESSION_STATE) while the flood was on. */
  joinsDuring: number;
  joinFailuresDuring: number;
  joinP50Ms: number | null;
  joinMaxMs: number | null;
  /** From the flood's end (its connections left hanging) until the server had closed them all. */
  recoveredMs: number;
  /** A tablet joining right after the flood's end. */
  joinAfterMs: number;
}

/** One tablet from `address`: the HTTP join and the socket both from there, as a tablet elsewhere on the LAN. */
export async function joinFrom(
  server: { port: number; classCode: string },
  address: string,
  name: string,
): Promise<number> {
  const started = performance.now();
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/api/join',
        localAddress: address,
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(text) : reject(new Error(`join: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error('join: timeout')));
    req.on('error', reject);
    req.end(JSON.stringify({ classCode: server.classCode, name }));
  });
  const { wsUrl } = JSON.parse(body) as JoinResponse;
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { localAddress: address, handshakeTimeout: 15_000, perMessageDeflate: false });
    ws.once('message', () => {
      ws.close();
      resolve();
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`socket: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return performance.now() - started;
}

export async function floodStorm(
  fleet: Fleet,
  server: Pick<ServerUnderTest, 'port' | 'url' | 'adminToken' | 'classCode'>,
  o: FloodStormOptions,
): Promise<FloodStormResult> {
  const readers = fleet.tablets.length;
  const flood = new SlowFlood({
    host: '127.0.0.1',
    port: server.port,
    addresses: o.addresses,
    connections: o.connections,
    dribbleMs: o.dribbleMs,
    reopenMs: 50,
    maxAttempts: o.connections * 100,
  });
  const views: CapacityView[] = [];
  const rounds: number[] = [];
  const joins: number[] = [];
  let joinFailures = 0;
  let newcomers = 0;
  let recoveredMs: number;
  flood.start();
  const endAt = Date.now() + o.seconds * 1000;
  try {
    while (Date.now() < endAt) {
      const started = performance.now();
      for (const t of fleet.tablets) t.progress();
      const joining = joinFrom(server, o.newcomer(newcomers), `Newcomer ${newcomers}`).then(
        (ms) => joins.push(ms),
        () => joinFailures++,
      );
      newcomers++;
      await waitUntil(
        () => fleet.tablets.every((t) => t.acked === t.seq),
        30_000,
        'readers acknowledged during the flood',
      );
      rounds.push(performance.now() - started);
      views.push(await teacherCall<CapacityView>(server, '/capacity'));
      await joining;
      await new Promise((r) => setTimeout(r, 1000));
    }
    // The flood stops but leaves its connections hanging: the server must time them out itself.
    flood.halt();
    const haltedAt = Date.now();
    await waitUntil(() => flood.figures.open === 0, 60_000, 'the server closing the abandoned flood connections');
    recoveredMs = Date.now() - haltedAt;
  } finally {
    await flood.stop();
  }
  const joinAfterMs = await joinFrom(server, o.newcomer(newcomers), 'After the flood');
  const last = await teacherCall<CapacityView>(server, '/capacity');
  const worst = (f: (v: CapacityView) => number | null) => Math.max(...views.map((v) => f(v) ?? 0));
  return {
    flood: flood.figures,
    maxOpenConnections: worst((v) => v.connections.open),
    maxPending: worst((v) => v.connections.pending),
    maxOpenFds: worst((v) => v.process.openFds),
    fdLimit: last.process.fdLimit,
    refused: last.connections.refused,
    evicted: last.connections.evicted,
    dropped: last.connections.dropped,
    exhaustedSeen: [...new Set(views.flatMap((v) => v.exhausted))],
    roundP50Ms: quantile(rounds, 0.5),
    roundMaxMs: quantile(rounds, 1),
    readersDropped: readers - fleet.openCount,
    joinsDuring: joins.length,
    joinFailuresDuring: joinFailures,
    joinP50Ms: quantile(joins, 0.5),
    joinMaxMs: quantile(joins, 1),
    recoveredMs,
    joinAfterMs,
  };
}
