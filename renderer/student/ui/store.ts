// A minimal observable store and a Preact hook to read from it; enough for one small app without
// pulling a state library into the 60 KB budget.
import { useEffect, useState } from 'preact/hooks';

export class Store<S extends object> {
  private listeners = new Set<() => void>();

  constructor(private state: S) {}

  get(): S {
    return this.state;
  }

  set(patch: Partial<S> | ((s: S) => Partial<S>)): void {
    const p = typeof patch === 'function' ? patch(this.state) : patch;
    this.state = { ...this.state, ...p };
    for (const l of this.listeners) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Re-renders the component when the selected value changes (compared with Object.is). */
export function useStore<S extends object, T>(store: Store<S>, select: (s: S) => T): T {
  const [value, setValue] = useState(() => select(store.get()));
  useEffect(() => {
    const update = () => setValue(() => select(store.get()));
    update();
    return store.subscribe(update);
    // The selector is expected to be stable in meaning; re-subscribing on every render is wasteful.
  }, [store]);
  return value;
}
