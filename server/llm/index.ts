// The relay's public surface: one factory. The classroom calls `ask` and `define` (types.ts);
// everything about Gemini, queues, limits, caches and the offline dictionary stays in here.
import { GeminiProvider } from './gemini.js';
import { ClassroomRelay, type RelayOptions } from './relay.js';
import type { Relay } from './types.js';

export type { RelayOptions } from './relay.js';
export type * from './types.js';

export function createRelay(options: RelayOptions): Relay {
  return new ClassroomRelay(options, (config) => new GeminiProvider(config));
}
