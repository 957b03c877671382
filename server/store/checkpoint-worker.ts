// Runs in a worker thread: copies the WAL back into the database file every second on its own
// connection. A checkpoint is the only step that waits for the disk (fsync) with
// synchronous=NORMAL, so doing it here keeps that wait off the event loop that acknowledges
// progress. PASSIVE never blocks the main connection's writers.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new Database(file);
db.pragma('busy_timeout = 1000');

const timer = setInterval(() => {
  const started = performance.now();
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort!.postMessage({ ms: performance.now() - started });
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).message });
  }
}, intervalMs);

parentPort!.on('message', (m: { type?: string }) => {
  if (m?.type !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
