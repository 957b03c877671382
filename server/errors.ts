// Refusals the server explains to people: a code from the protocol's ErrorCode and a sentence.
// The domain (server/classroom/, the settings) throws these and knows nothing of HTTP; the edge
// (server/http/errors.ts) gives each code its status.
import type { ErrorCode } from '../shared/protocol/codes.js';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** When trying again makes sense: how many seconds to wait. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
