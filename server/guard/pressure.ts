// Which resources ran out lately, as reported by the parts that met the shortage (the sampler,
// the connection guard, the last line of defence, the log stream). The capacity panel names them.
import { RESOURCES, type Resource } from './resource.js';

/** A shortage is shown this long after it was last met, so a one-second sample cannot miss it. */
const HOLD_MS = 5_000;

export class Pressure {
  private readonly lastMet = new Map<Resource, number>();

  constructor(private readonly now: () => number = Date.now) {}

  report(resource: Resource | null): void {
    if (resource !== null) this.lastMet.set(resource, this.now());
  }

  /** The resources met exhausted within the last few seconds. */
  current(): Resource[] {
    const since = this.now() - HOLD_MS;
    return RESOURCES.filter((r) => (this.lastMet.get(r) ?? -Infinity) > since);
  }
}
