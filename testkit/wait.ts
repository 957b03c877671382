// The one polling wait of the tests and the benches: for what has no event to wait on (a figure
// on the server, a file on disk, a count in a fake). Bounded in time; says what it waited for.

/** Polls `ok` (sync or async) every `intervalMs` until it holds; throws `why` after `timeoutMs`. */
export async function waitUntil(
  ok: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  why = 'condition not met',
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${why} (after ${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
