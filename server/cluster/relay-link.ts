// A socket worker's end of the one AI relay, which runs in the primary (./relay-hub.ts): what the
// relay proxy (server/llm/relay-proxy.ts) would say to its worker thread goes over the IPC channel
// instead, and the relay's batches come back the same way, so answers still stream chunk by chunk.
import { EventEmitter } from 'node:events';
import type { RelayLink } from '../llm/relay-proxy.js';
import type { RelayWorkerData, ToRelay } from '../llm/relay-messages.js';
import { isPrimaryToWorker, type WorkerToPrimary } from './messages.js';

class IpcRelayLink extends EventEmitter implements RelayLink {
  private open = true;

  private readonly listener = (m: unknown) => {
    if (!isPrimaryToWorker(m)) return;
    if (m.type === 'relay') this.emit('message', m.batch);
    else if (m.type === 'relay-exit') this.end(m.code);
  };

  constructor(data: RelayWorkerData) {
    super();
    process.on('message', this.listener);
    send({ type: 'relay-open', data });
  }

  postMessage(message: ToRelay): void {
    if (this.open) send({ type: 'relay', message });
  }

  /** This worker lets go of the relay (the thread itself is the primary's). */
  terminate(): void {
    this.end(1);
  }

  unref(): void {
    // Nothing to hold the process open: the IPC channel is the process's own.
  }

  private end(code: number): void {
    if (!this.open) return;
    this.open = false;
    process.off('message', this.listener);
    // As a thread's 'exit' comes: after whatever the caller is doing now.
    setImmediate(() => this.emit('exit', code));
  }
}

function send(m: WorkerToPrimary): void {
  process.send?.(m);
}

export function ipcRelayLink(data: RelayWorkerData): RelayLink {
  return new IpcRelayLink(data);
}
