// What the primary tells a worker about a forwarded request (server/cluster/proxy.ts), and how
// soon a dead worker is started again (server/cluster/supervisor.ts).
import { describe, expect, it } from 'vitest';
import { forwardedHeaders } from '../../../../server/cluster/proxy.js';
import { restartDelay } from '../../../../server/cluster/supervisor.js';

describe('forwardedHeaders', () => {
  it("replaces whatever the client said about its address with the socket's", () => {
    const out = forwardedHeaders(
      {
        host: 'school:8080',
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-host': 'evil',
        'x-forwarded-proto': 'https',
        forwarded: 'for=127.0.0.1',
        authorization: 'Bearer t',
      },
      { address: '10.0.0.7', tls: false },
    );
    expect(out).toEqual({
      host: 'school:8080',
      authorization: 'Bearer t',
      'x-forwarded-for': '10.0.0.7',
      'x-forwarded-proto': 'http',
    });
  });

  it('drops connection-level headers, except Connection on an upgrade', () => {
    const headers = {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
    };
    expect(forwardedHeaders(headers, { address: 'a', tls: true })).toEqual({
      upgrade: 'websocket',
      'x-forwarded-for': 'a',
      'x-forwarded-proto': 'https',
    });
    expect(forwardedHeaders(headers, { address: 'a', tls: true }, { upgrade: true })).toMatchObject({
      connection: 'Upgrade',
      upgrade: 'websocket',
    });
  });
});

describe('restartDelay', () => {
  it('doubles from a quarter second and stops at 30 s', () => {
    expect([1, 2, 3, 4].map(restartDelay)).toEqual([250, 500, 1000, 2000]);
    expect(restartDelay(20)).toBe(30_000);
  });
});
