// The relay's own thread: the Gemini client, the fair queue, the limits on word look-ups, the
// key's quota figures, the outage pause and the definition cache (its own SQLite connection to the
// classroom's file) run here, so their short-lived garbage and their major GCs stay off the heap
// that serves the sockets. The socket thread talks to it through relay-proxy.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/db.js';
import { Store } from '../store/store.js';
import { GeminiProvider } from './gemini.js';
import { STATS_MS, type FromRelay, type RelayWorkerData, type ToRelay, type Wire } from './relay-messages.js';
import { ClassroomRelay } from './relay.js';
import type { BookPassage } from './types.js';

const port = parentPort!;
const data = workerData as RelayWorkerData;
let settings = data.settings;

const db = openDatabase(data.database.file);
// Off the socket thread a longer wait for the lock costs no tablet anything; the checkpointer's
// worker does the checkpoints for every connection.
db.pragma('busy_timeout = 2000');
db.pragma('wal_autocheckpoint = 0');

// Messages for the socket thread, sent together at the end of this turn of the loop: a sweep of
// queue positions or a burst of chunks is one message, not hundreds.
let outbox: FromRelay[] = [];
function post(message: FromRelay): void {
  if (outbox.length === 0) queueMicrotask(flush);
  outbox.push(message);
}
function flush(): void {
  const batch = outbox;
  outbox = [];
  port.postMessage(batch);
}

const relay = new ClassroomRelay(
  {
    getSettings: () => settings,
    cache: new Store(db).definitionCache(),
    log: {
      warn: (obj, msg) => post({ type: 'log', level: 'warn', obj, msg }),
      info: (obj, msg) => post({ type: 'log', level: 'info', obj, msg }),
    },
    carriedStats: data.carriedStats,
  },
  (config) => new GeminiProvider(config),
);

const books = new Map<number, readonly string[]>();
/** Cancels of the questions under way, by the proxy's id. */
const asks = new Map<number, () => void>();

function unwire<J extends BookPassage>(job: Wire<J>): J {
  const { book, ...rest } = job;
  const words = books.get(book);
  // The proxy sends a book before any job that names it, on the same ordered channel.
  if (!words) throw new Error(`The relay was given a job for book ${book}, which it was never sent`);
  return { ...rest, words } as unknown as J;
}

const statsTimer = setInterval(() => post({ type: 'stats', stats: relay.stats() }), STATS_MS);

async function close(): Promise<void> {
  clearInterval(statsTimer);
  await relay.close();
  db.close();
  post({ type: 'stats', stats: relay.stats() });
  post({ type: 'closed' });
}

port.on('message', (m: ToRelay) => {
  switch (m.type) {
    case 'settings':
      settings = m.settings;
      return;
    case 'book':
      books.set(m.book, m.words);
      return;
    case 'forget':
      books.delete(m.book);
      return;
    case 'ask': {
      const { id } = m;
      const result = relay.ask(unwire(m.job), {
        position: (position) => post({ type: 'position', id, position }),
        chunk: (text) => post({ type: 'chunk', id, text }),
        done: (answer) => {
          asks.delete(id);
          post({ type: 'done', id, answer });
        },
        teacher: (reason) => {
          asks.delete(id);
          post({ type: 'teacher', id, reason });
        },
      });
      asks.set(id, result.cancel);
      post({ type: 'queued', id, position: result.queuePosition });
      return;
    }
    case 'cancel':
      asks.get(m.id)?.();
      asks.delete(m.id);
      return;
    case 'define':
      // A rejection here is a bug in the relay: it ends this worker, the proxy answers the word
      // from the offline dictionary and starts a new one.
      void relay.define(unwire(m.job)).then((result) => post({ type: 'defined', id: m.id, result }));
      return;
    case 'stats':
      post({ type: 'stats', stats: relay.stats(), id: m.id });
      return;
    case 'check':
      void relay.checkRoute().then((result) => post({ type: 'checked', id: m.id, result }));
      return;
    case 'close':
      void close();
      return;
    default:
      // Only the proxy sends here; anything else is a bug, and a crash gets this worker restarted.
      throw new Error(`The relay got a message it does not know: ${JSON.stringify(m)}`);
  }
});
