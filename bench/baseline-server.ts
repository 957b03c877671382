// The baseline: the least a WebSocket server can do with the same traffic. A bare `ws` server
// that acknowledges each progress frame and each question at once, with no validation, state or
// database. Our server's memory and CPU per student are reported as ratios to this one, measured
// in the same run on the same machine, which cancels much of a shared machine's noise.
// Run as its own process (forked by the bench); it tells its parent the port it listens on.
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  path: '/ws',
  perMessageDeflate: false,
  clientTracking: false,
});

function onMessage(this: WebSocket, data: RawData): void {
  const frame = JSON.parse(String(data)) as { type: string; payload: { seq?: number; questionId?: string } };
  if (frame.type === 'PROGRESS_UPDATE') {
    this.send(`{"type":"PROGRESS_SAVED","payload":{"seq":${frame.payload.seq}}}`);
  } else if (frame.type === 'STUDENT_INTERRUPTION') {
    const id = JSON.stringify(frame.payload.questionId);
    this.send(`{"type":"INTERRUPTION_ACKNOWLEDGED","payload":{"questionId":${id},"queuePosition":0}}`);
    this.send(`{"type":"ANSWER_DONE","payload":{"questionId":${id},"text":"An answer.","source":"gemini"}}`);
  }
}

wss.on('connection', (socket) => {
  socket.on('message', onMessage);
  socket.on('error', () => {});
});

wss.on('listening', () => {
  const address = wss.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.send?.({ type: 'baseline-started', port });
});

// Nothing to save: the bench's SIGTERM ends it at once.
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
