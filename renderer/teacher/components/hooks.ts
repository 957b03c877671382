// Small hooks the panels share.
import { useEffect, useState } from 'preact/hooks';
import type { ClassModel } from '../lib/model.js';

/** Re-renders on model changes, at most once per animation frame (DELTAs come up to 4/s). */
export function useModel(model: ClassModel): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    let frame = 0;
    const render = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setTick((n) => n + 1);
      });
    };
    const unsubscribe = model.subscribe(render);
    // A change between the first render and this effect (a SNAPSHOT landing meanwhile) was not heard.
    render();
    return () => {
      unsubscribe();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [model]);
}

/** The time now, refreshed every `everyMs` ("2 min ago" labels move on their own). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
