// A socket worker's view of the others: which share of the classes is its own, and the changes
// to the shared database that each must hear (settings, books, classes), relayed by the primary.
import { workerOf } from './placement.js';
import { isPrimaryToWorker, type Change, type WorkerToPrimary } from './messages.js';

export interface Peers {
  index: number;
  count: number;
  /** The port the primary listens on for everyone: what join and teacher links name. */
  publicPort: number;
  owns(classId: string): boolean;
  tell(change: Change): void;
  hear(listener: (change: Change) => void): void;
}

export function processPeers(index: number, count: number, publicPort: number): Peers {
  const send = (m: WorkerToPrimary) => process.send?.(m);
  return {
    index,
    count,
    publicPort,
    owns: (classId) => workerOf(classId, count) === index,
    tell: (change) => send({ type: 'changed', change }),
    hear: (listener) =>
      process.on('message', (m: unknown) => {
        if (isPrimaryToWorker(m) && m.type === 'changed') listener(m.change);
      }),
  };
}
