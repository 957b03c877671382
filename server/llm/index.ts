// The relay's public surface: one factory. The classroom calls `ask` and `define` (types.ts);
// everything about Gemini, queues, limits, caches and the offline dictionary stays in here, and
// runs in the relay's own worker thread (relay-worker.ts) behind a proxy (relay-proxy.ts).
import { RelayProxy, type RelayProxyOptions } from './relay-proxy.js';
import type { Relay } from './types.js';

export type { RelayProxyOptions } from './relay-proxy.js';
export type * from './types.js';

export function createRelay(options: RelayProxyOptions): Relay {
  return new RelayProxy(options);
}
