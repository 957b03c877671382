// A classroom with stand-ins at its seams, for the unit tier: no server process, no network. The
// domain's own parts are real (the registry, the classroom, the question desk, the teacher feed,
// the Store over a SQLite file in a temporary folder, the group commit, the library); what stands
// in is the edge: tablets' and dashboards' sockets (recording objects), the relay (answers as the
// test says) and the clock (the test moves it).
import { EventEmitter } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerMessage, TeacherMessage } from '../../shared/protocol/index.js';
import { Library } from '../../server/books/library.js';
import type { Settings } from '../../server/config.js';
import { ClassRegistry } from '../../server/classroom/registry.js';
import { Outbox } from '../../server/classroom/outbox.js';
import type { Student } from '../../server/classroom/student.js';
import type { AiStatus, AskEvents, AskJob, AskResult, DefineJob, DefineResult, Relay } from '../../server/llm/types.js';
import { Checkpointer } from '../../server/store/checkpointer.js';
import { openDatabase } from '../../server/store/db.js';
import { Eraser } from '../../server/store/eraser.js';
import { GroupCommit } from '../../server/store/group-commit.js';
import { Store } from '../../server/store/store.js';
import { DomainError } from '../../server/errors.js';
import { defaultSettings } from './llm-harness.js';
import { tempDir } from './server.js';

type Frame = { type: string; payload: unknown };

/** The domain's refusal `fn` throws (its code and the sentence a person reads); fails if none. */
export function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

/** A socket's stand-in: what was sent (parsed), whether and how it was closed, its pings. */
export class FakeSocket<M extends Frame = ServerMessage> extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  readonly frames: M[] = [];
  closed: { code: number; reason: string } | null = null;
  pings = 0;
  terminated = false;

  send(text: string): void {
    this.frames.push(JSON.parse(text) as M);
  }
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = { code, reason };
    this.readyState = 3;
    this.emit('close', code, Buffer.from(reason));
  }
  terminate(): void {
    this.terminated = true;
    this.close(1006, '');
  }
  ping(): void {
    this.pings++;
  }
  /** The payloads of every frame of one type, in order. */
  of<T extends M['type']>(type: T): Extract<M, { type: T }>['payload'][] {
    return this.frames.filter((f) => f.type === type).map((f) => f.payload as Extract<M, { type: T }>['payload']);
  }
  types(): string[] {
    return this.frames.map((f) => f.type);
  }
}

export type FakeDashboard = FakeSocket<TeacherMessage>;

/** The relay's stand-in: keeps what it was asked; the test answers through the events it kept. */
export class FakeRelay implements Relay {
  aiEnabled = true;
  readonly asked: { job: AskJob; events: AskEvents }[] = [];
  readonly defined: DefineJob[] = [];
  cancelled = 0;
  /** When set, questions are refused with this wait (the per-student limit). */
  refuseFor: number | null = null;
  define: (job: DefineJob) => Promise<DefineResult> = (job) => {
    this.defined.push(job);
    return Promise.resolve({ ok: true, text: `A meaning of ${job.word}.`, source: 'offline' });
  };

  aiStatus(): AiStatus {
    const on = this.aiEnabled;
    return {
      enabled: on,
      provider: 'gemini',
      route: on ? 'Gemini API' : null,
      region: null,
      model: 'test-model',
      reason: on ? null : 'ai_off',
      detail: null,
      unavailable: false,
    };
  }
  checkRoute(): never {
    throw new Error('not used by the unit tests');
  }
  ask(job: AskJob, events: AskEvents): AskResult {
    if (this.refuseFor !== null) return { accepted: false, retryAfterMs: this.refuseFor };
    this.asked.push({ job, events });
    return { accepted: true, queuePosition: this.asked.length, cancel: () => this.cancelled++ };
  }
  /** The events of the latest question. */
  last(): AskEvents {
    return this.asked.at(-1)!.events;
  }
  stats(): Record<string, number> {
    return {};
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface ClassroomKit {
  registry: ClassRegistry;
  store: Store;
  library: Library;
  writer: GroupCommit<Student>;
  outbox: Outbox;
  relay: FakeRelay;
  /** The settings every class reads (change them in place). */
  settings: Settings;
  clock: { now: number };
  /** Gives the student a tablet's socket, as the hub does after the upgrade. */
  connect(student: Student): FakeSocket;
  /** A teacher's dashboard on the class's live feed. */
  dashboard(room: ReturnType<ClassRegistry['first']>): FakeDashboard;
  close(): void;
}

/** A server's classes over a fresh data folder; the registry starts with one class, lesson open. */
export function classroomKit(over: Partial<Settings> = {}): ClassroomKit {
  const dir = tempDir('readerai-unit-');
  const store = new Store(openDatabase(join(dir, 'readerai.db')));
  const library = new Library(store, join(dir, 'books'));
  const outbox = new Outbox(1 << 20);
  const writer = new GroupCommit<Student>(store.db, {
    write: (s) => store.writeProgress(s),
    saved: (s) => {
      s.savedSeq = s.seq;
      outbox.progressSaved(s, s.seq);
    },
    failed: () => {},
    recovered: () => {},
  });
  const relay = new FakeRelay();
  const settings = defaultSettings(over);
  const clock = { now: Date.UTC(2026, 2, 2, 9) };
  const registry = new ClassRegistry({
    store,
    library,
    outbox,
    writer,
    eraser: new Eraser(store.db, writer, new Checkpointer(store.db)),
    relay: () => relay,
    settings: () => settings,
    joinsPerMinutePerIp: settings.joinsPerMinutePerIp,
    joinUrl: (code, host) => `http://${host ?? '192.168.1.2'}:8080/join?code=${code}`,
    hosts: () => [{ address: '192.168.1.2', iface: 'eth0' }],
    defaultHost: () => '192.168.1.2',
    now: () => clock.now,
  });
  return {
    registry,
    store,
    library,
    writer,
    outbox,
    relay,
    settings,
    clock,
    connect(student) {
      const socket = new FakeSocket();
      student.socket = socket as unknown as Student['socket'];
      return socket;
    },
    dashboard(room) {
      const socket = new FakeSocket<TeacherMessage>();
      room.feed.add(socket as never);
      return socket;
    },
    close() {
      for (const room of registry.all()) room.feed.closeAll(1001, 'test over');
      writer.stop();
      store.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
