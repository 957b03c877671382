// What the tablet keeps between visits, in localStorage: who this student is (the token), where
// they are in the book, their recent questions, and their display choices. Every read tolerates
// missing or damaged data (private browsing, a full disk, an older version of the app).

const PREFIX = 'readerai.';

export function load<T>(key: string, valid: (v: unknown) => v is T): T | null {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    if (raw === null) return null;
    const v: unknown = JSON.parse(raw);
    return valid(v) ? v : null;
  } catch {
    return null;
  }
}

export function save(key: string, value: unknown): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the app still works, it just cannot resume after a reload.
  }
}

export function forget(key: string): void {
  try {
    localStorage.removeItem(PREFIX + key);
  } catch {
    // As above.
  }
}

/**
 * The teacher deleted this child (or IT the class): everything this app kept goes, here and in
 * the service worker's book cache, so the next child on this tablet finds nothing of them.
 */
export async function forgetEverything(): Promise<void> {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX)) localStorage.removeItem(key);
  } catch {
    // As above.
  }
  if (typeof caches === 'undefined') return;
  try {
    for (const name of await caches.keys()) if (name.startsWith('readerai-book-')) await caches.delete(name);
  } catch {
    // No Cache Storage (plain http, private browsing): nothing was kept there.
  }
}

/** A shallow check that `v` is an object whose listed fields have the listed typeof. */
export function hasFields(
  v: unknown,
  fields: Record<string, 'string' | 'number' | 'boolean' | 'object'>,
): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return Object.entries(fields).every(([k, t]) => typeof o[k] === t);
}
