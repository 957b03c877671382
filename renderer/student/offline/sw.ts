// The student app's service worker (built to /sw.js; browsers run one only in a secure context,
// so on the classroom LAN that means HTTPS). It lets a tablet reload the page while the server is
// out of reach (Wi-Fi drop, the laptop asleep): the app shell comes from a cache made for this
// build, the current book from the last copy the server sent.
//
// Online, pages and books always come from the server first, so an update is live at the next load;
// the shell cache is named after the build (the build plugin writes BUILD and SHELL below), so a new
// build installs a new cache, and the old one is deleted as soon as the new worker takes over. Only
// the student pages, their own files and the book API are handled: the teacher's dashboard and
// every POST go straight to the network, and WebSockets never pass through a service worker. A
// narrated book's audio is kept too (only the current book's), so it plays on through a Wi-Fi drop.

/** The parts of the worker's global scope used here (the DOM lib has no ServiceWorkerGlobalScope). */
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (e: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
}
const worker = self as unknown as WorkerScope;

/** Written by the build (renderer/shared/sw-shell.ts): a hash of the student app's files. */
const BUILD = '__READERAI_BUILD__';
/** Written by the build: the student page and every file it loads (scripts, styles, fonts). */
const SHELL: readonly string[] = JSON.parse('__READERAI_SHELL__') as string[];

const SHELL_PREFIX = 'readerai-shell-';
const SHELL_CACHE = SHELL_PREFIX + BUILD;
/** Books are data, not code: one cache across builds (its suffix is the Book format's version). */
const BOOK_CACHE = 'readerai-book-v1';
/** A narrated book's audio: its URLs never change (named by content), so a kept copy is always right. */
const AUDIO_CACHE = 'readerai-audio-v1';
const AUDIO_PATH = '/api/audio/';
/** The student app's page; /join and /index.html are the same file. */
const PAGE = '/';
const PAGE_PATHS = new Set(['/', '/join', '/index.html']);
/** A server that has not answered by then is treated as away (a dead Wi-Fi can hang for minutes). */
const NETWORK_WAIT_MS = 4000;

worker.addEventListener('install', (e) => {
  e.waitUntil(
    caches
      .open(SHELL_CACHE)
      // cache: 'reload' skips the HTTP cache, so the copy kept is the server's current one.
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' }))))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (e) => {
  e.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(SHELL_PREFIX) && name !== SHELL_CACHE) await caches.delete(name);
      }
      await worker.clients.claim();
    })(),
  );
});

worker.addEventListener('fetch', (e) => {
  const request = e.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (request.mode === 'navigate' && PAGE_PATHS.has(url.pathname)) e.respondWith(page(request));
  else if (url.pathname.startsWith('/api/books/')) e.respondWith(book(request));
  else if (url.pathname.startsWith(AUDIO_PATH)) e.respondWith(audio(request, url));
  else if (SHELL.includes(url.pathname)) e.respondWith(shellFile(request));
});

/** The network's answer, or undefined when it did not come in time (any HTTP status is an answer). */
async function fromNetwork(request: Request): Promise<Response | undefined> {
  const control = new AbortController();
  const timer = setTimeout(() => control.abort(), NETWORK_WAIT_MS);
  try {
    return await fetch(request, { signal: control.signal });
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

async function page(request: Request): Promise<Response> {
  const live = await fromNetwork(request);
  if (live) return live;
  const kept = await (await caches.open(SHELL_CACHE)).match(PAGE);
  return kept ?? Response.error();
}

/** Network first; a book that arrived is kept (only the latest: the one the child is reading). */
async function book(request: Request): Promise<Response> {
  const cache = await caches.open(BOOK_CACHE);
  const live = await fromNetwork(request);
  if (live?.ok) {
    for (const old of await cache.keys()) if (old.url !== request.url) await cache.delete(old);
    await cache.put(request, live.clone());
    return live;
  }
  return live ?? (await cache.match(request)) ?? Response.error();
}

/**
 * The current book's audio: from the cache when kept (a Range request is cut from the whole
 * file, as the <audio> element asks for pieces), else the network; a whole file that arrives is
 * kept, and the audio of any other book is let go (the tablet keeps the book it is reading).
 */
async function audio(request: Request, url: URL): Promise<Response> {
  const cache = await caches.open(AUDIO_CACHE);
  const key = url.origin + url.pathname;
  const kept = await cache.match(key);
  if (kept) return ranged(kept, request.headers.get('range'));
  const live = await fromNetwork(request);
  if (live?.status === 200) {
    const book = url.pathname.split('/')[3];
    for (const old of await cache.keys()) if (new URL(old.url).pathname.split('/')[3] !== book) await cache.delete(old);
    await cache.put(key, live.clone());
  }
  return live ?? Response.error();
}

/** A 206 with the bytes a Range header asks for (bytes=a-b, a-, -n), or the whole file. */
async function ranged(whole: Response, range: string | null): Promise<Response> {
  const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range) : null;
  if (!m || (m[1] === '' && m[2] === '')) return whole;
  const body = await whole.blob();
  const size = body.size;
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] !== '' && m[2] !== '' ? Math.min(size - 1, Number(m[2])) : size - 1;
  if (start >= size || start > end)
    return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}` } });
  return new Response(body.slice(start, end + 1), {
    status: 206,
    headers: {
      'Content-Type': whole.headers.get('content-type') ?? 'audio/mpeg',
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Content-Length': String(end - start + 1),
      'Accept-Ranges': 'bytes',
    },
  });
}

/** Hashed files never change: the build's own copy, else the network. */
async function shellFile(request: Request): Promise<Response> {
  const kept = await (await caches.open(SHELL_CACHE)).match(request);
  return kept ?? fetch(request);
}

export {};
