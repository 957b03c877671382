// An uploaded book file streamed to disk, never held in memory, and cut off with a 413 the moment
// it passes the size limit (the partial file is removed).
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { DomainError } from '../errors.js';

export function tooLarge(maxBytes: number): DomainError {
  return new DomainError(
    ErrorCode.BOOK_TOO_LARGE,
    `This book file is larger than ${Math.round(maxBytes / 1048576)} MB, the limit IT set (READERAI_MAX_BOOK_MB).`,
  );
}

export async function saveUpload(body: Readable, file: string, maxBytes: number): Promise<void> {
  let got = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      got += chunk.length;
      done(got > maxBytes ? tooLarge(maxBytes) : null, chunk);
    },
  });
  try {
    await pipeline(body, limit, createWriteStream(file, { flags: 'wx' }));
  } catch (err) {
    await rm(file, { force: true });
    if (err instanceof DomainError) throw err;
    throw new DomainError(ErrorCode.BAD_REQUEST, 'The book file did not arrive whole; try the import again.');
  }
}
