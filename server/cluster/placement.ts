// Which socket worker a class lives on. Every process computes it from the class id alone, so the
// primary and the workers agree without telling each other, and a restarted worker takes back
// exactly the classes it had. (Changing the worker count moves classes: that needs a restart, when
// every tablet reconnects anyway.)

/** FNV-1a, 32 bits, over the id's UTF-16 code units: stable across runs, platforms and processes. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The index (0..workers-1) of the worker that owns the class. */
export function workerOf(classId: string, workers: number): number {
  return workers <= 1 ? 0 : fnv1a(classId) % workers;
}
