// The small surface a language-model provider offers the relay. Gemini is one file behind it
// (gemini.ts); another provider or SDK is another file with these two calls. Everything here is
// plain data, so the relay can later live in a process of its own.
import type { ModelRequest } from './prompt.js';
import type { ServiceAccountKey } from './service-account-key.js';
import type { FlagReason } from './types.js';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** How a call ended when the provider answered at all. */
export interface Outcome {
  /** The whole text (for a flagged outcome: what arrived before the block; never shown). */
  text: string;
  /** Set when the answer must be withheld and replaced by a kind fixed message. */
  flag?: FlagReason;
  usage: Usage;
  /** The model version that answered, when the response says. */
  modelVersion?: string;
}

export interface Provider {
  /** Streams text as it arrives (`onText` per chunk), then resolves with how it ended. */
  stream(request: ModelRequest, signal: AbortSignal, onText: (text: string) => void): Promise<Outcome>;
  /** One call, one answer (definitions). */
  generate(request: ModelRequest, signal: AbortSignal): Promise<Outcome>;
}

/**
 * Which service answers and how it is reached, complete: the provider passes every part of it to
 * the SDK and reads nothing from the environment. `baseUrl` is never empty (route.ts fills in
 * Google's address).
 */
export type ProviderConfig =
  | { kind: 'gemini'; model: string; baseUrl: string; apiKey: string }
  | { kind: 'vertex'; model: string; baseUrl: string; project: string; location: string; key: ServiceAccountKey }
  | { kind: 'vertex-express'; model: string; baseUrl: string; apiKey: string };

/**
 * A call that failed without an answer. `retryable`: worth trying again (rate limited, server
 * trouble, dropped connection); `retryAfterMs`: the server's own hint, when it gave one.
 */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
