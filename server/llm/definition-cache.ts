// Definitions already made: the most recent in memory, all of them in the persistent store (the
// classroom's SQLite file), so a restart keeps what was learnt. A store that fails is logged and
// treated as a miss: a word is then defined again, never lost.
import { createHash } from 'node:crypto';
import { Lru } from './lru.js';
import type { RelayLog } from './relay-context.js';
import type { DefinitionCacheStore } from './types.js';

/** Definitions kept in memory (each a few hundred bytes); the store keeps them all. */
const DEFINITIONS_IN_MEMORY = 2_000;

/** Cache key of a definition: the word in the sense of its sentence, at a grade level. */
export function definitionKey(word: string, sentence: string, grade: number): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([grade, word, sentence.toLowerCase()]))
    .digest('hex');
  return `def1:${digest.slice(0, 40)}`;
}

export class DefinitionCache {
  private readonly hot = new Lru<string, string>(DEFINITIONS_IN_MEMORY);

  constructor(
    private readonly store: DefinitionCacheStore,
    private readonly log?: RelayLog,
  ) {}

  get inMemory(): number {
    return this.hot.size;
  }

  /** A definition from memory, else from the persistent store (which then warms memory). */
  known(key: string): string | undefined {
    const hot = this.hot.get(key);
    if (hot) return hot;
    try {
      const stored = this.store.get(key);
      if (stored) this.hot.set(key, stored.text);
      return stored?.text;
    } catch (err) {
      this.log?.warn({ error: String(err) }, 'Definition cache could not be read');
      return undefined;
    }
  }

  remember(key: string, word: string, text: string): string {
    this.hot.set(key, text);
    try {
      this.store.put(key, word, text, 'gemini');
    } catch (err) {
      this.log?.warn({ error: String(err) }, 'Definition cache could not be written');
    }
    return text;
  }
}
