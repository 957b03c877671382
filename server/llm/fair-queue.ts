// At most `cap()` upstream calls at once; the rest wait in a queue that takes turns between
// classes first and, within a class, between students (round-robin by class id, then by student
// key), so neither one class's burst nor one chatty student can starve the others.
// A waiting task's position is its place in the order the queue would serve it if nothing new
// arrived: each class's first task, in turn, then each class's second, and so on; within a class,
// every student's first task, in turn, then every student's second.
//
// Telling every waiting task that it moved on every start would cost O(queue) frames per event,
// and a backed-up queue would then spend its time announcing itself instead of draining. So the
// front of the queue (the next FRONT places, where a child is watching closely) hears at once,
// and the rest hear from a sweep every SWEEP_MS, only when their place changed noticeably.

export interface Ticket {
  /** 0 when it started at once, else its place in the queue (1 = next). */
  readonly position: number;
  /** Takes a waiting task out of the queue; true if it had not started. */
  cancel(): boolean;
}

interface Task {
  classId: string;
  key: number;
  run: () => Promise<void>;
  onPosition: (position: number) => void;
  /** The place last told to the task's owner (0 once started). */
  position: number;
}

/** One class's waiting tasks: per student, oldest first; Map order is whose turn comes next. */
interface ClassLine {
  students: Map<number, Task[]>;
  size: number;
}

/** Places that hear every move at once. */
export const FRONT = 20;
const SWEEP_MS = 2_000;

export class FairQueue {
  private running = 0;
  private waitingCount = 0;
  /** Waiting tasks per class; Map order is which class's turn comes next. */
  private readonly waiting = new Map<string, ClassLine>();
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly cap: () => number) {}

  get inFlight(): number {
    return this.running;
  }

  get depth(): number {
    return this.waitingCount;
  }

  /**
   * Runs `run` when a slot is free and it is this class's and then this student's turn.
   * `onPosition` hears later changes of place (see above), ending with 0 when the task starts (not
   * called for a task that starts at once).
   */
  submit(
    classId: string,
    key: number,
    run: () => Promise<void>,
    onPosition: (position: number) => void = () => {},
  ): Ticket {
    const task: Task = { classId, key, run, onPosition, position: 0 };
    if (this.running < this.cap() && this.waiting.size === 0) {
      this.start(task);
      return { position: 0, cancel: () => false };
    }
    let line = this.waiting.get(classId);
    if (!line) this.waiting.set(classId, (line = { students: new Map(), size: 0 }));
    const mine = line.students.get(key);
    const round = mine ? mine.length : 0;
    if (mine) mine.push(task);
    else line.students.set(key, [task]);
    line.size++;
    this.waitingCount++;
    task.position = this.placeOf(task, line, round);
    this.pump(); // the cap may have been raised since the last task finished
    this.scheduleSweep();
    return { position: task.position, cancel: () => this.remove(task) };
  }

  /** Stops the sweep timer (the relay is closing). */
  close(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  private start(task: Task): void {
    this.running++;
    // A task's own failure is its business; the slot is freed whatever happens.
    void task
      .run()
      .catch(() => undefined)
      .finally(() => {
        this.running--;
        this.pump();
      });
  }

  private pump(): void {
    let started = false;
    while (this.running < this.cap() && this.waiting.size > 0) {
      const [classId, line] = this.waiting.entries().next().value as [string, ClassLine];
      const [key, tasks] = line.students.entries().next().value as [number, Task[]];
      const task = tasks.shift() as Task;
      // This student, and this class, had their turn: to the back of the line (or out of it).
      line.students.delete(key);
      if (tasks.length > 0) line.students.set(key, tasks);
      line.size--;
      this.waiting.delete(classId);
      if (line.size > 0) this.waiting.set(classId, line);
      this.waitingCount--;
      task.position = 0;
      task.onPosition(0);
      this.start(task);
      started = true;
    }
    if (started) this.renumber(FRONT);
  }

  private remove(task: Task): boolean {
    const line = this.waiting.get(task.classId);
    const tasks = line?.students.get(task.key);
    const i = tasks?.indexOf(task) ?? -1;
    if (!line || !tasks || i < 0) return false;
    tasks.splice(i, 1);
    if (tasks.length === 0) line.students.delete(task.key);
    if (--line.size === 0) this.waiting.delete(task.classId);
    this.waitingCount--;
    this.renumber(FRONT);
    return true;
  }

  /**
   * The place of a task that is `round`-th in its student's list: first its index in its class's
   * own serving order, then its place among the classes. O(classes + students of its class).
   */
  private placeOf(task: Task, line: ClassLine, round: number): number {
    const inClass = ahead(line.students, task.key, round, (tasks) => tasks.length);
    return ahead(this.waiting, task.classId, inClass, (l) => l.size) + 1;
  }

  /** Every waiting task in serving order: classes take turns, each yields its own order. */
  private *servingOrder(): Generator<Task> {
    let lines = [...this.waiting.values()].map((line) => classOrder(line));
    while (lines.length > 0) {
      const next: Generator<Task>[] = [];
      for (const line of lines) {
        const step = line.next();
        if (step.done) continue;
        yield step.value;
        next.push(line);
      }
      lines = next;
    }
  }

  /**
   * Walks the queue in serving order up to place `limit` and tells tasks whose place changed:
   * all of them within FRONT, the others only when they moved by a tenth or more.
   */
  private renumber(limit: number): void {
    let position = 0;
    for (const task of this.servingOrder()) {
      if (++position > limit) break;
      if (task.position === position) continue;
      if (position <= FRONT || Math.abs(task.position - position) >= task.position / 10) {
        task.position = position;
        task.onPosition(position);
      }
    }
  }

  private scheduleSweep(): void {
    if (this.sweepTimer || this.waitingCount <= FRONT) return;
    this.sweepTimer = setInterval(() => {
      if (this.waitingCount <= FRONT) {
        this.close();
        return;
      }
      this.renumber(Infinity);
    }, SWEEP_MS);
    this.sweepTimer.unref();
  }
}

/**
 * In a round-robin over `turns` (Map order), how many entries are served before the `index`-th
 * (0-based) entry of `mine`: up to index + 1 of each one whose turn comes before it, up to index
 * of each one after.
 */
function ahead<K, V>(turns: Map<K, V>, mine: K, index: number, size: (v: V) => number): number {
  let count = 0;
  let passed = false;
  for (const [key, value] of turns) {
    if (key === mine) {
      passed = true;
      count += index;
    } else {
      count += Math.min(size(value), passed ? index : index + 1);
    }
  }
  return count;
}

/** One class's waiting tasks in the order it serves them: students take turns. */
function* classOrder(line: ClassLine): Generator<Task> {
  for (let round = 0; ; round++) {
    let any = false;
    for (const tasks of line.students.values()) {
      const task = tasks[round];
      if (!task) continue;
      any = true;
      yield task;
    }
    if (!any) return;
  }
}
