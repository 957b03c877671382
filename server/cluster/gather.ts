// The school view's list of every class (GET /api/admin/classes) with several socket workers:
// each worker knows the live figures (students connected, lesson open) of its own classes only,
// so the primary asks every worker and joins their lists, oldest class first as with one process.
import { request, type Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { answer, forwardedHeaders, RESTARTING } from './proxy.js';
import type { Supervisor } from './supervisor.js';

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function ask(req: IncomingMessage, socketPath: string, agent: Agent, tls: boolean): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = forwardedHeaders(req.headers, { address: req.socket.remoteAddress ?? '', tls });
    const out = request({ socketPath, agent, method: 'GET', path: req.url, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body }));
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end();
  });
}

export async function gatherClassLists(
  req: IncomingMessage,
  res: ServerResponse,
  o: { workers: Supervisor; agents: Agent[]; path: (index: number) => string; tls: boolean; order: () => string[] },
): Promise<void> {
  const indexes = Array.from({ length: o.workers.count }, (_, i) => i);
  if (!indexes.every((i) => o.workers.isReady(i))) {
    // A partial list would look like classes had vanished.
    answer(res, 503, RESTARTING, { retryAfter: 2 });
    return;
  }
  let replies: Reply[];
  try {
    replies = await Promise.all(indexes.map((i) => ask(req, o.path(i), o.agents[i]!, o.tls)));
  } catch {
    answer(res, 503, RESTARTING, { retryAfter: 2 });
    return;
  }
  // Every worker checks the caller the same way: a refusal is the same from each.
  const refused = replies.find((r) => r.status !== 200);
  const first = refused ?? replies[0]!;
  const headers = { ...first.headers };
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  delete headers.connection;
  delete headers['keep-alive'];
  if (refused) {
    res.writeHead(refused.status, headers).end(refused.body);
    return;
  }
  const rows = replies.flatMap((r) => JSON.parse(r.body) as { classId: string }[]);
  const rank = new Map(o.order().map((id, i) => [id, i]));
  rows.sort((a, b) => (rank.get(a.classId) ?? Infinity) - (rank.get(b.classId) ?? Infinity));
  res.writeHead(200, { ...headers, 'x-readerai-worker': 'all' }).end(JSON.stringify(rows));
}
