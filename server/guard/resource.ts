// What an error says about the machine: which resource ran out (descriptors, memory, disk), and
// whether the server can outlive it. A full descriptor table, a full disk or a refused allocation
// passes when the pressure ends; the server must serve what it can meanwhile, not exit.

export type Resource = 'descriptors' | 'memory' | 'disk';
export const RESOURCES: readonly Resource[] = ['descriptors', 'memory', 'disk'];

const RESOURCE_OF: Readonly<Record<string, Resource>> = {
  EMFILE: 'descriptors',
  ENFILE: 'descriptors',
  ENOMEM: 'memory',
  ENOSPC: 'disk',
  EDQUOT: 'disk',
  // better-sqlite3's SqliteError carries SQLite's own names.
  SQLITE_FULL: 'disk',
  SQLITE_NOMEM: 'memory',
  SQLITE_IOERR_NOMEM: 'memory',
};

/**
 * Errors of one connection, one busy peer or a database another program holds: the process is
 * fine. SQLITE_CANTOPEN is here because a full descriptor table is its usual cause on a server.
 */
const PASSING = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAGAIN',
  'EWOULDBLOCK',
  'EBUSY',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
]);

/** The errno-style code of an error (Node's SystemError keeps it in `info` for some calls). */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; info?: { code?: unknown } };
  const code = e.code === 'ERR_SYSTEM_ERROR' ? e.info?.code : e.code;
  return typeof code === 'string' ? code : undefined;
}

/** The resource an error says ran out, or null. */
export function resourceOf(err: unknown): Resource | null {
  const code = errorCode(err);
  return code === undefined ? null : (RESOURCE_OF[code] ?? null);
}

/** Whether the server may keep running after this error reached the top of the stack. */
export function isTransient(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && (RESOURCE_OF[code] !== undefined || PASSING.has(code));
}
