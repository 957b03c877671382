// What the bench sets up in our server before students come: classes of --class-size through the
// admin API (each with its own code to join), and with --audio the narrated book
// (testkit/narrated-epub.ts: espeak-ng and sox) imported and given to every class.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreatedClass } from '../shared/protocol/index.js';
import { epubFiles, synthesise, zipEpub } from '../testkit/narrated-epub.js';
import type { AudioPlan } from './messages.js';

interface Server {
  httpBase: string;
  adminToken: string;
}

/** Classes made at once: enough to be quick, few enough not to be a load test of their own. */
const PARALLEL = 8;

interface Call {
  method?: string;
  body?: string | Uint8Array<ArrayBuffer>;
  headers?: Record<string, string>;
}

async function call<T>(server: Server, path: string, token: string, init: Call = {}): Promise<T> {
  const res = await fetch(`${server.httpBase}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** POST /api/admin/classes `count` times; the classes in order. */
export async function createClasses(server: Server, count: number): Promise<CreatedClass[]> {
  const out: CreatedClass[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, count) }, async () => {
      while (next < count) {
        const k = next++;
        out[k] = await call<CreatedClass>(server, '/api/admin/classes', server.adminToken, {
          method: 'POST',
          body: JSON.stringify({ name: `Bench class ${k + 1}` }),
        });
      }
    }),
  );
  return out;
}

/** Imports a narrated EPUB and assigns it to every class; where its audio is and how big. */
export async function narratedBook(
  server: Server,
  classes: readonly CreatedClass[],
): Promise<{ bookId: string; wordCount: number; audio: Pick<AudioPlan, 'src' | 'fileBytes'> }> {
  const dir = mkdtempSync(join(tmpdir(), 'readerai-bench-epub-'));
  let epub: Buffer;
  try {
    epub = zipEpub(epubFiles(synthesise(dir)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const book = await call<{ id: string; wordCount: number }>(server, '/api/teacher/books', server.adminToken, {
    method: 'POST',
    headers: { 'content-type': 'application/epub+zip', 'x-book-name': 'bench.epub' },
    body: new Uint8Array(epub),
  });
  for (const c of classes)
    await call(server, '/api/teacher/classroom/book', c.teacherToken, {
      method: 'POST',
      body: JSON.stringify({ bookId: book.id }),
    });
  const full = await call<{ narration?: { clips: { src: string }[] } }>(
    server,
    `/api/books/${book.id}`,
    server.adminToken,
  );
  const src = full.narration?.clips[0]?.src;
  if (!src) throw new Error('the narrated book has no clips');
  const audio = await fetch(`${server.httpBase}${src}`, { headers: { authorization: `Bearer ${server.adminToken}` } });
  if (!audio.ok) throw new Error(`GET ${src}: HTTP ${audio.status}`);
  const fileBytes = (await audio.arrayBuffer()).byteLength;
  return { bookId: book.id, wordCount: book.wordCount, audio: { src, fileBytes } };
}
