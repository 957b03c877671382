// At most `cap()` upstream calls at once; the rest wait in a queue that takes turns between
// students (round-robin by student key), so one chatty student cannot starve the others.
// A waiting task's position is its place in the order the queue would serve it if nothing new
// arrived: every student's first task, in turn, then every student's second, and so on.

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
  position: number;
}

export class FairQueue {
  private running = 0;
  /** Waiting tasks per student, oldest first; Map order is whose turn comes next. */
  private readonly waiting = new Map<number, Task[]>();

  constructor(private readonly cap: () => number) {}

  get inFlight(): number {
    return this.running;
  }

  get depth(): number {
    let n = 0;
    for (const tasks of this.waiting.values()) n += tasks.length;
    return n;
  }

  /**
   * Runs `run` when a slot is free and it is this student's turn. `onPosition` hears every later
   * change of place, ending with 0 when the task starts (not called for a task that starts at once).
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
    this.renumber(task);
    this.pump(); // the cap may have been raised since the last task finished
    return { position: task.position, cancel: () => this.remove(task) };
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
      task.position = 0;
      task.onPosition(0);
      this.start(task);
      started = true;
    }
    if (started) this.renumber();
  }

  private remove(task: Task): boolean {
    const tasks = this.waiting.get(task.key);
    const i = tasks?.indexOf(task) ?? -1;
    if (!tasks || i < 0) return false;
    tasks.splice(i, 1);
    if (tasks.length === 0) this.waiting.delete(task.key);
    this.renumber();
    return true;
  }

  /** Recomputes every waiting task's place and tells those that moved (but not `silent`). */
  private renumber(silent?: Task): void {
    const lists = [...this.waiting.values()];
    let position = 0;
    for (let round = 0; ; round++) {
      let any = false;
      for (const tasks of lists) {
        const task = tasks[round];
        if (!task) continue;
        any = true;
        position++;
        if (task.position !== position) {
          task.position = position;
          if (task !== silent) task.onPosition(position);
        }
      }
      if (!any) break;
    }
  }
}
