// Narrated EPUBs through the real server: import (streamed, 413 over the limit), the clips mapped
// to word indices, audio served with Range, ETag and cache headers to the classes that have the
// book only, hostile EPUBs refused with a clear 4xx and nothing left behind, and delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import type { Book } from '../shared/protocol/index.js';
import { epubFiles, synthesise, WORD_LEVEL, zipEpub, type Narrated } from '../testkit/narrated-epub.js';
import { startServer, teacherApi, tempDir, type RunningServer } from './support/server.js';

let server: RunningServer;
let narrated: Narrated;

beforeAll(async () => {
  narrated = synthesise(tempDir('readerai-voice-'));
  server = await startServer({ env: { READERAI_MAX_BOOK_MB: '16' } });
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function importBook(body: Uint8Array<ArrayBuffer>, token = server.adminToken) {
  return fetch(`${server.url}/api/teacher/books`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/epub+zip', 'x-book-name': 'x.epub' },
    body,
  });
}

async function getBook(id: string): Promise<Book> {
  return (await (await fetch(`${server.url}/api/books/${id}`)).json()) as Book;
}

const booksFolder = () => join(server.dataDir, 'books');
const bookList = async () =>
  ((await (await fetch(`${server.url}/api/books`)).json()) as { id: string }[]).map((b) => b.id);

describe('importing a narrated EPUB', () => {
  let id = '';
  let book: Book;

  beforeAll(async () => {
    const res = await importBook(zipEpub(epubFiles(narrated)));
    const body = (await res.json()) as { id: string; narrated: boolean; wordCount: number };
    expect(res.status).toBe(200);
    expect(body.narrated).toBe(true);
    id = body.id;
    book = await getBook(id);
  });

  it('lists the words through the one tokeniser and maps each clip to its words', () => {
    expect(book.title).toBe('The Sleepy Dog');
    expect(book.words).toEqual(narrated.words);
    expect(book.paragraphStarts).toEqual([0, WORD_LEVEL.length]);
    const clips = book.narration!.clips;
    expect(clips).toHaveLength(WORD_LEVEL.length + 1);
    WORD_LEVEL.forEach((_, i) => {
      expect(clips[i]).toMatchObject({ wordStart: i, wordEnd: i });
      expect(clips[i]!.begin).toBeCloseTo(narrated.times[i]!.start, 3);
      expect(clips[i]!.end).toBeCloseTo(narrated.times[i]!.end, 3);
    });
    // The phrase-level clip covers the whole last sentence.
    expect(clips.at(-1)).toMatchObject({ wordStart: WORD_LEVEL.length, wordEnd: narrated.words.length - 1 });
    expect(clips[0]!.src).toMatch(new RegExp(`^/api/audio/${id}/[0-9a-f]{32}\\.mp3$`));
  });

  it('keeps the audio in the book folder under the data folder', () => {
    const files = readdirSync(join(booksFolder(), id));
    expect(files).toEqual([book.narration!.clips[0]!.src.split('/').pop()]);
  });

  it('serves the audio with Range requests, an ETag and a long private cache', async () => {
    const src = `${server.url}${book.narration!.clips[0]!.src}`;
    const auth = { authorization: `Bearer ${server.adminToken}` };
    const whole = await fetch(src, { headers: auth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/mpeg');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    const etag = whole.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(Buffer.from(await whole.arrayBuffer()).equals(narrated.mp3)).toBe(true);

    const part = await fetch(src, { headers: { ...auth, range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${narrated.mp3.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(narrated.mp3.subarray(100, 200))).toBe(true);

    const tail = await fetch(src, { headers: { ...auth, range: 'bytes=-50' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(narrated.mp3.subarray(-50))).toBe(true);

    const past = await fetch(src, { headers: { ...auth, range: `bytes=${narrated.mp3.length + 10}-` } });
    expect(past.status).toBe(416);
    await past.arrayBuffer();

    // node:http, not fetch: fetch adds Cache-Control: no-cache to a conditional request, as browsers' reloads do.
    // The whole file, the 100 bytes and the 50 (and their headers) have gone out.
    const served = async () =>
      (await teacherApi<{ audio: { requests: number; bytesSent: number } }>(server, '/stats')).body.audio;
    await expect.poll(async () => (await served()).requests).toBeGreaterThanOrEqual(4);
    expect((await served()).bytesSent).toBeGreaterThan(narrated.mp3.length + 150);
    const again = await new Promise<number>((resolve, reject) =>
      get(src, { headers: { ...auth, 'if-none-match': etag! } }, (r) => {
        r.resume();
        resolve(r.statusCode!);
      }).on('error', reject),
    );
    expect(again).toBe(304);
  });

  it('plays only for the students and teachers of a class that has the book', async () => {
    const src = `${server.url}${book.narration!.clips[0]!.src}`;
    const other = await teacherApi<{ classId: string; classCode: string; teacherToken: string }>(
      server,
      '/../admin/classes',
      { body: { name: 'Other class' } },
    );
    expect(other.status).toBe(201);
    const mine = (await teacherApi<{ classId: string; classCode: string }>(server, '/classroom')).body;

    // Nobody on the LAN: no credential at all.
    expect((await fetch(src)).status).toBe(401);
    // The other class's teacher: their class does not read this book.
    expect((await fetch(src, { headers: { authorization: `Bearer ${other.body.teacherToken}` } })).status).toBe(403);

    const join = async (classCode: string, name: string) =>
      (await (
        await fetch(`${server.url}/api/join`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ classCode, name }),
        })
      ).json()) as { token: string; sessionId: string };
    const pass = async (s: { token: string; sessionId: string }) => {
      const res = await fetch(`${server.url}/api/audio/pass`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ classId: s.sessionId }),
      });
      expect(res.status).toBe(200);
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\/api\/audio\//);
      return cookie.split(';')[0]!;
    };
    const inOther = await pass(await join(other.body.classCode, 'Zoe'));
    expect((await fetch(src, { headers: { cookie: inOther } })).status).toBe(403);

    // Before the teacher gives the class the book, its own students do not hear it either.
    const student = await join(mine.classCode, 'Ada');
    const cookie = await pass(student);
    expect((await fetch(src, { headers: { cookie } })).status).toBe(403);
    expect((await teacherApi(server, '/classroom/book', { body: { bookId: id } })).status).toBe(200);
    const heard = await fetch(src, { headers: { cookie, range: 'bytes=0-9' } });
    expect(heard.status).toBe(206);
    await heard.arrayBuffer();
    // A forged or altered pass is refused.
    expect(
      (await fetch(src, { headers: { cookie: cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) } })).status,
    ).toBe(401);
    // A token of the class that is not its own student's gets no pass.
    const wrong = await fetch(`${server.url}/api/audio/pass`, {
      method: 'POST',
      headers: { authorization: `Bearer ${student.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ classId: other.body.classId }),
    });
    expect(wrong.status).toBe(401);
    // The admin's book is back to a story, so delete works below.
    expect((await teacherApi(server, '/classroom/book', { body: { bookId: 'lighthouse-cat' } })).status).toBe(200);
  });

  it('deletes the book and its audio', async () => {
    const res = await teacherApi(server, `/books/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(existsSync(join(booksFolder(), id))).toBe(false);
    expect(await bookList()).not.toContain(id);
    expect((await fetch(`${server.url}/api/books/${id}`)).status).toBe(404);
    expect((await teacherApi(server, '/books/lighthouse-cat', { method: 'DELETE' })).status).toBe(409);
  });
});

describe('a book without audio', () => {
  it('keeps working as JSON {title, text} and has no narration', async () => {
    const res = await teacherApi<{ id: string }>(server, '/books', {
      body: { title: 'Plain', text: 'One two.\n\nThree.' },
    });
    expect(res.status).toBe(200);
    const book = await getBook(res.body.id);
    expect(book.words).toEqual(['One', 'two.', 'Three.']);
    expect(book.narration).toBeUndefined();
  });
});

describe('hostile and broken EPUBs', () => {
  const cases: [string, () => Uint8Array<ArrayBuffer>, number, RegExp][] = [
    ['not a zip', () => Buffer.from('just some text, not an EPUB'), 400, /not a valid zip/],
    [
      'a zip bomb',
      () => zipEpub(epubFiles(narrated, { files: { 'OEBPS/filler.xhtml': new Uint8Array(8 * 1024 * 1024) } })),
      400,
      /compressed suspiciously well|more than the size limit/,
    ],
    ['a path that climbs out', () => traversal(), 400, /damaged|invalid/i],
    [
      'a huge SMIL',
      // Ids that do not repeat, so it compresses like a real SMIL file (and not like a bomb).
      () => zipEpub(epubFiles(narrated, { smil: `<smil><body>${hugeSmil()}</body></smil>` })),
      400,
      /too large/,
    ],
    [
      'a clip whose audio is missing',
      () => {
        const files = epubFiles(narrated);
        delete files['OEBPS/audio/narration.mp3'];
        return zipEpub(files);
      },
      400,
      /not in the EPUB/,
    ],
    ['OGG narration', () => zipEpub(epubFiles(narrated, { audioType: 'audio/ogg' })), 415, /MP3 or AAC/],
    [
      'audio that is not what its type says',
      () =>
        zipEpub(epubFiles(narrated, { files: { 'OEBPS/audio/narration.mp3': Buffer.from('<html>not audio</html>') } })),
      400,
      /not that kind of audio/,
    ],
    [
      'a clip pointing at text that is not there',
      () =>
        zipEpub(
          epubFiles(narrated, {
            smil:
              '<smil><body><par><text src="ch1.xhtml#nowhere"/>' +
              '<audio src="audio/narration.mp3" clipBegin="0s" clipEnd="1s"/></par></body></smil>',
          }),
        ),
      400,
      /holds no text/,
    ],
  ];

  it.each(cases)('refuses %s with a clear message and changes nothing', async (_name, make, status, message) => {
    const before = await bookList();
    const res = await importBook(make());
    const body = (await res.json()) as { message: string };
    expect(res.status).toBe(status);
    expect(body.message).toMatch(message);
    expect(await bookList()).toEqual(before);
    expect(readdirSync(booksFolder()).filter((f) => !before.includes(f))).toEqual([]);
    expect(existsSync(join(server.dataDir, 'evil.txt'))).toBe(false);
  });

  it('answers 413 over the size limit (READERAI_MAX_BOOK_MB)', async () => {
    const before = await bookList();
    const res = await importBook(new Uint8Array(17 * 1024 * 1024));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { message: string }).message).toMatch(/larger than 16 MB/);
    expect(await bookList()).toEqual(before);
  });
});

function hugeSmil(): string {
  const pars: string[] = [];
  for (let i = 0; i < 200_000; i++) pars.push(`<par id="${randomBytes(6).toString('hex')}"/>`);
  return pars.join('');
}

/** A zip whose entry name climbs out of the book folder (fflate writes the name as given). */
function traversal(): Uint8Array<ArrayBuffer> {
  return zipEpub({ ...epubFiles(narrated), '../../evil.txt': Buffer.from('gotcha') });
}
