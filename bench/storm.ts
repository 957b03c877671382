// Reconnect storm: a full class of tablets is connected and reading; the server restarts (SIGKILL by
// default, as a crash; --graceful for SIGTERM); every tablet comes back on its own with the student
// app's jittered backoff. Prints how long until all were back, p50/p99 reconnect times, the
// server's event-loop delay and /healthz latency during the storm, and checks that every tablet
// found its position (nothing acknowledged lost).
//
//   npm run build && npm run bench:storm -- [--tablets 2000] [--graceful] [--deadline-s 60]
//
// With --flood N it is a slow-client flood instead (testkit/flood-storm.ts): N half-open requests
// (--slow: dribbling one byte a second) from --flood-addresses addresses for --flood-s seconds,
// against a server started with --fd-limit descriptors, while the tablets read:
//
//   npm run bench:storm -- --flood 3000 --tablets 200 --fd-limit 2048 [--slow] [--flood-s 20]
//
// The CI version (test/reliability-storm.test.ts, 200 tablets) runs the same reconnectStorm
// (testkit/storm.ts) and checks correctness only.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Fleet, launchServer, loopbackAddress, mib, quantile, type ServerUnderTest } from '../testkit/fleet.js';
import { floodStorm } from '../testkit/flood-storm.js';
import { reconnectStorm } from '../testkit/storm.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tablets: { type: 'string', default: '2000' },
      graceful: { type: 'boolean', default: false },
      'deadline-s': { type: 'string', default: '60' },
      flood: { type: 'string' },
      'flood-addresses': { type: 'string', default: '3' },
      'flood-s': { type: 'string', default: '20' },
      slow: { type: 'boolean', default: false },
      'fd-limit': { type: 'string' },
    },
  });
  const tablets = Number(values.tablets);
  const deadlineMs = Number(values['deadline-s']) * 1000;
  const fdLimit = values['fd-limit'] === undefined ? undefined : Number(values['fd-limit']);
  if (!(tablets > 0 && deadlineMs > 0) || (fdLimit !== undefined && !(fdLimit >= 256))) {
    console.error(
      'Usage: bench:storm -- [--tablets 2000] [--graceful] [--deadline-s 60]\n' +
        '       bench:storm -- --flood 3000 [--flood-addresses 3] [--flood-s 20] [--slow] [--fd-limit 2048] ' +
        '[--tablets 200]',
    );
    process.exit(2);
  }
  if (values.flood !== undefined) {
    await floodMain(tablets, Number(values.flood), Number(values['flood-addresses']), Number(values['flood-s']), {
      slow: values.slow,
      fdLimit,
    });
    return;
  }
  let server: ServerUnderTest = await launchServer({ fdLimit });
  const fleet = new Fleet(() => server);
  try {
    console.log(`storm: joining ${tablets} tablets (own loopback address each) to ${server.url}...`);
    const joinStarted = Date.now();
    await fleet.addMany(tablets, (i) => `Storm ${i}`, loopbackAddress, 100);
    console.log(
      `  all connected in ${((Date.now() - joinStarted) / 1000).toFixed(1)} s; ` +
        `restarting the server (${values.graceful ? 'SIGTERM' : 'SIGKILL'})...`,
    );
    const result = await reconnectStorm(
      fleet,
      async () => {
        const { dataDir, port } = server;
        if (values.graceful) await server.stop();
        else await server.kill();
        server = await launchServer({ dataDir, port });
        return server;
      },
      { deadlineMs },
    );
    // The new server's own event-loop delay over the storm (probe samples, one a second; the first
    // covers the server's own start-up, loading modules and opening the database, so it is left out).
    const during = server.samples.slice(1).filter((s) => !s.afterGc);
    const ms = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(0)} ms`);
    console.log(
      [
        '',
        `reconnect storm: ${result.tablets} tablets, ${values.graceful ? 'graceful restart' : 'SIGKILL + restart'}`,
        `  server back listening after     ${ms(result.restartMs)}`,
        `  all tablets back after          ${ms(result.allBackMs)} (from the kill)` +
          (result.allBackMs <= 30_000 ? '  [within 30 s]' : '  [OVER 30 s]'),
        `  reconnect time per tablet       p50 ${ms(result.reconnectP50Ms)}, p99 ${ms(result.reconnectP99Ms)}, ` +
          `max ${ms(result.reconnectMaxMs)}`,
        `  failed attempts (server down)   ${result.failedAttempts} ` +
          `(${(result.failedAttempts / result.tablets).toFixed(1)} per tablet)`,
        `  server event-loop delay         p99 ${ms(Math.max(0, ...during.map((s) => s.loopP99Ms)))} (worst second), ` +
          `max ${ms(Math.max(0, ...during.map((s) => s.loopMaxMs)))}`,
        `  /healthz during the storm       p50 ${ms(result.healthP50Ms)}, p99 ${ms(result.healthP99Ms)}, ` +
          `max ${ms(result.healthMaxMs)} (from this process, itself busy with the tablets)`,
        `  positions                       ${result.lostUpdates} lost acknowledged updates, ` +
          `${result.wrongPositions} wrong positions`,
      ].join('\n'),
    );
    process.exitCode = result.lostUpdates + result.wrongPositions > 0 ? 1 : 0;
  } finally {
    fleet.stopAll();
    await server.stop();
  }
}

async function floodMain(
  tablets: number,
  connections: number,
  addressCount: number,
  seconds: number,
  o: { slow: boolean; fdLimit: number | undefined },
): Promise<void> {
  const server = await launchServer({ fdLimit: o.fdLimit });
  const fleet = new Fleet(() => server);
  try {
    // Readers on 127.1.x.y; the flood on 127.0.0.2...; newcomers on 127.0.1.x, 127.0.2.x, ...
    await fleet.addMany(tablets, (i) => `Reader ${i}`, loopbackAddress, 50);
    const addresses = Array.from({ length: addressCount }, (_, i) => `127.0.0.${2 + i}`);
    const kind = o.slow ? 'slow (1 byte/s)' : 'half-open';
    console.log(
      `flood: ${tablets} tablets reading; ${connections} ${kind} requests from ${addressCount} addresses ` +
        `for ${seconds} s; server descriptor limit ${o.fdLimit ?? 'as the machine'}...`,
    );
    const r = await floodStorm(fleet, server, {
      connections,
      addresses,
      seconds,
      dribbleMs: o.slow ? 1000 : null,
      newcomer: (i) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`,
    });
    const ms = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(0)} ms`);
    const life = (q: number) => ms(quantile(r.flood.lifetimesMs, q));
    const rss = server.samples.length ? mib(Math.max(...server.samples.map((s) => s.rssBytes))) : 'n/a';
    const row = (what: string, figures: string) => `  ${what.padEnd(32)}${figures}`;
    console.log(
      [
        '',
        `slow-client flood: ${connections} ${kind} from ${addressCount} addresses, ${seconds} s, ${tablets} readers`,
        row(
          'flood connections tried',
          `${r.flood.attempts} (most open at once, flood's side: ${r.flood.maxOpen}); ` +
            `closed by the server with ${JSON.stringify(r.flood.closedWith)}`,
        ),
        row('flood connection lifetime', `p50 ${life(0.5)}, p99 ${life(0.99)}`),
        row(
          'server, worst second',
          `${r.maxOpenConnections} connections open, ${r.maxPending} pending, ` +
            `${r.maxOpenFds} descriptors of ${r.fdLimit ?? 'unknown'}; RSS max ${rss} MiB`,
        ),
        row(
          'turned away',
          `${r.refused} answered, ${r.evicted} evicted for another address, ${r.dropped} closed unanswered; ` +
            `panel named ${r.exhaustedSeen.join(', ') || 'nothing'}`,
        ),
        row(
          'readers',
          `every update acked each round: p50 ${ms(r.roundP50Ms)}, worst ${ms(r.roundMaxMs)}; ` +
            `${r.readersDropped} sockets lost`,
        ),
        row(
          'new tablets during the flood',
          `${r.joinsDuring} joined (p50 ${ms(r.joinP50Ms)}, max ${ms(r.joinMaxMs)}), ${r.joinFailuresDuring} failed`,
        ),
        row(
          'after the flood',
          `its abandoned connections all closed by the server after ${ms(r.recoveredMs)}; ` +
            `a new tablet joined in ${ms(r.joinAfterMs)}`,
        ),
      ].join('\n'),
    );
    process.exitCode = r.readersDropped + r.joinFailuresDuring > 0 ? 1 : 0;
  } finally {
    fleet.stopAll();
    await server.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
