// Sends frames to tablets. A tablet that stops reading (asleep, out of range) lets unsent data pile
// up in the server; past the cap it is dropped, and it resumes from SESSION_STATE when it returns,
// so one slow tablet never grows the server's memory.
import type { ServerPayload, ServerType } from '../../shared/protocol/index.js';
import type { Student } from './student.js';

export class Outbox {
  /** Tablets dropped for being too slow, for the capacity figures. */
  dropped = 0;
  /**
   * Bytes handed to tablets' sockets since start, for the capacity model's network bound: the
   * text's UTF-8 length and the frame header (2 bytes up to 125, 4 up to 64 KiB), not TCP/IP's.
   */
  bytesSent = 0;

  constructor(private readonly maxBufferedBytes: number) {}

  send<T extends ServerType>(student: Student, type: T, payload: ServerPayload<T>): void {
    this.sendText(student, JSON.stringify({ type, payload }));
  }

  /**
   * The acknowledgement of every progress update, thousands a second: built as one string, not
   * an object graph to stringify. Same frame as send('PROGRESS_SAVED', { seq }).
   */
  progressSaved(student: Student, seq: number): void {
    this.sendText(student, '{"type":"PROGRESS_SAVED","payload":{"seq":' + seq + '}}');
  }

  private sendText(student: Student, text: string): void {
    const socket = student.socket;
    if (socket === null || socket.readyState !== 1) return;
    if (socket.bufferedAmount > this.maxBufferedBytes) {
      this.dropped++;
      // A close frame would queue behind the backlog; cut the connection instead.
      socket.terminate();
      return;
    }
    const bytes = Buffer.byteLength(text);
    this.bytesSent += bytes + (bytes < 126 ? 2 : 4);
    socket.send(text);
  }
}
