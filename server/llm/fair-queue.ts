// At most `cap()` upstream calls at once; the rest wait in a queue that takes turns between
// students (round-robin by student key), so one chatty student cannot starve the others.
// A waiting task's position is its place in the order the queue would serve it if nothing new
// arrived: every student's first task, in turn, then every student's second, and so on.
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
  key: number;
  run: () => Promise<void>;
  onPosition: (position: number) => void;
  /** The place last told to the task's owner (0 once started). */
  position: number;
}

/** Places that hear every move at once. */
export const FRONT = 20;
const SWEEP_MS = 2_000;

export class FairQueue {
  private running = 0;
  private waitingCount = 0;
  /** Waiting tasks per student, oldest first; Map order is whose turn comes next. */
  private readonly waiting = new Map<number, Task[]>();
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly cap: () => number) {}

  get inFlight(): number {
    return this.running;
  }

  get depth(): number {
    return this.waitingCount;
  }

  /**
   * Runs `run` when a slot is free and it is this student's turn. `onPosition` hears later
   * changes of place (see above), ending with 0 when the task starts (not called for a task that
   * starts at once).
   */
  submit(key: number, run: () => Promise<void>, onPosition: (position: number) => void = () => {}): Ticket {
    const task: Task = { key, run, onPosition, position: 0 };
    if (this.running < this.cap() && this.waiting.size === 0) {
      this.start(task);
      return { position: 0, cancel: () => false };
    }
    const mine = this.waiting.get(key);
    if (mine) mine.push(task);
    else this.waiting.set(key, [task]);
    this.waitingCount++;
    task.position = this.placeOf(task, mine ? mine.length - 1 : 0);
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
      const [key, tasks] = this.waiting.entries().next().value as [number, Task[]];
      const task = tasks.shift() as Task;
      // This student had their turn: to the back of the line (or out of it).
      this.waiting.delete(key);
      if (tasks.length > 0) this.waiting.set(key, tasks);
      this.waitingCount--;
      task.position = 0;
      task.onPosition(0);
      this.start(task);
      started = true;
    }
    if (started) this.renumber(FRONT);
  }

  private remove(task: Task): boolean {
    const tasks = this.waiting.get(task.key);
    const i = tasks?.indexOf(task) ?? -1;
    if (!tasks || i < 0) return false;
    tasks.splice(i, 1);
    if (tasks.length === 0) this.waiting.delete(task.key);
    this.waitingCount--;
    this.renumber(FRONT);
    return true;
  }

  /** The place of a task that is `round`-th in its student's list: O(students waiting). */
  private placeOf(task: Task, round: number): number {
    let ahead = 0;
    let passed = false;
    for (const [key, tasks] of this.waiting) {
      if (key === task.key) {
        passed = true;
        ahead += round + 1;
      } else {
        ahead += Math.min(tasks.length, passed ? round : round + 1);
      }
    }
    return ahead;
  }

  /**
   * Walks the queue in serving order up to place `limit` and tells tasks whose place changed:
   * all of them within FRONT, the others only when they moved by a tenth or more.
   */
  private renumber(limit: number): void {
    let position = 0;
    for (let round = 0; position < limit; round++) {
      let any = false;
      for (const tasks of this.waiting.values()) {
        const task = tasks[round];
        if (!task) continue;
        any = true;
        if (++position > limit) break;
        if (task.position === position) continue;
        if (position <= FRONT || Math.abs(task.position - position) >= task.position / 10) {
          task.position = position;
          task.onPosition(position);
        }
      }
      if (!any) break;
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
