// What the relay's parts (questions.ts, definitions.ts) share, handed to each by relay.ts: the
// settings, the route and its provider, the upstream calls and the figures.
import type { Settings } from '../config.js';
import type { UpstreamCalls } from './calls.js';
import type { Provider, ProviderConfig } from './provider.js';
import type { Route } from './route.js';
import type { RelayStats } from './stats.js';

export interface RelayLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface RelayContext {
  settings(): Settings;
  /** The route for these settings, AI switched on or off by a class's own `aiAnswers`. */
  route(s: Settings, aiAnswers?: boolean): Route;
  /** The provider for the current route and model. */
  provider(config: ProviderConfig): Provider;
  readonly calls: UpstreamCalls;
  readonly stats: RelayStats;
  readonly log?: RelayLog;
}
