// Requests to the class server from the tablet.

/** A request on a connection that went silent would otherwise wait for minutes. */
const HTTP_TIMEOUT_MS = 10_000;

/** fetch, given up after HTTP_TIMEOUT_MS. */
export function fetchSoon(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: timeout(HTTP_TIMEOUT_MS) });
}

function timeout(ms: number): AbortSignal {
  const c = new AbortController();
  setTimeout(() => c.abort(), ms);
  return c.signal;
}
