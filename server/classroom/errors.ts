// Errors that become HTTP responses: status, a code from the protocol's ErrorCode, a sentence.
import type { ErrorCode } from '../../shared/protocol/codes.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    /** Seconds, for 429 responses. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}
