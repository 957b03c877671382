// The reconnecting socket client (renderer/shared/socket.ts) over real loopback sockets: it comes
// back after an ordinary close, stays away after a final close code, and stops when url() says so.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { SocketClient, StopReconnecting, type SocketStatus } from '../renderer/shared/socket.js';
import { waitUntil } from '../testkit/wait.js';

const servers: WebSocketServer[] = [];
const clients: SocketClient<unknown, unknown>[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.stop();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function server(onConnection: (ws: WebSocket, n: number) => void): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  let n = 0;
  wss.on('connection', (ws) => onConnection(ws, ++n));
  await new Promise((r) => wss.once('listening', r));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

function client(url: () => string | Promise<string>, finalCloseCodes: number[] = [4003]) {
  const statuses: [SocketStatus, unknown][] = [];
  const messages: unknown[] = [];
  const c = new SocketClient<unknown, unknown>({
    url,
    onMessage: (m) => messages.push(m),
    onStatus: (s, d) => statuses.push([s, d]),
    finalCloseCodes,
    backoff: { baseMs: 50, capMs: 200 },
    // `ws` has the same onopen/onmessage/onclose surface as the browser's WebSocket.
    createSocket: (u) => new WebSocket(u) as unknown as globalThis.WebSocket,
  });
  clients.push(c);
  c.start();
  return { c, statuses, messages };
}

describe('SocketClient', () => {
  it('delivers messages both ways and reconnects after an ordinary close', async () => {
    const got: string[] = [];
    const url = await server((ws, n) => {
      ws.on('message', (d) => got.push(String(d)));
      ws.send(JSON.stringify({ hello: n }));
      if (n === 1) setTimeout(() => ws.close(1001, 'restarting'), 50);
    });
    const { c, messages } = client(() => url);
    await waitUntil(() => messages.length === 2);
    expect(messages).toEqual([{ hello: 1 }, { hello: 2 }]);
    await waitUntil(() => c.status === 'open');
    expect(c.send({ ping: true })).toBe(true);
    await waitUntil(() => got.length === 1);
    expect(JSON.parse(got[0]!)).toEqual({ ping: true });
  });

  it('a final close code stops it for good', async () => {
    let connections = 0;
    const url = await server((ws) => {
      connections++;
      ws.close(4003, 'Class ended');
    });
    const { c, statuses } = client(() => url);
    await waitUntil(() => c.status === 'stopped');
    await new Promise((r) => setTimeout(r, 500));
    expect(connections).toBe(1);
    expect(statuses.at(-1)).toEqual(['stopped', { code: 4003, reason: 'Class ended', wasOpen: true }]);
    expect(c.send({})).toBe(false);
  });

  it('keeps trying while nothing listens, asks url() each time, and stops when url() says so', async () => {
    const attempts: unknown[] = [];
    const { c, statuses } = client(() => {
      attempts.push(1);
      if (attempts.length === 4) throw new StopReconnecting('ended');
      return 'ws://127.0.0.1:9'; // discard port: refused at once
    });
    await waitUntil(() => c.status === 'stopped');
    expect(attempts).toHaveLength(4);
    expect(statuses.filter(([s]) => s === 'waiting')).toHaveLength(3);
    expect(statuses.at(-1)).toEqual(['stopped', 'ended']);
  });
});
