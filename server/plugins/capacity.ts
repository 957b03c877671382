// The capacity panel: samples the process once a second, sends CAPACITY to open dashboards, and
// serves GET /api/teacher/capacity (the benchmark reads it too). Registered after the classroom
// plugin, whose decorators it reads.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CapacityView } from '../../shared/protocol/index.js';
import { teacherClassOf } from '../http/security.js';
import { Sampler } from '../capacity/sampler.js';
import { CapacityMonitor } from '../capacity/monitor.js';
import { readProfile, type ProfileFile } from '../capacity/profile.js';
import type { Pressure } from '../guard/pressure.js';
import { resourceOf } from '../guard/resource.js';
import type { AudioStats } from '../routes/audio.js';

export interface CapacityPluginOptions {
  adminToken: string;
  /** Where `npm run bench` leaves its per-student figures (the data folder). */
  dataDir: string;
  pressure: Pressure;
  /** Narrated audio served over HTTP (the audio routes count it), for the network bound. */
  audioStats: Readonly<AudioStats>;
}

const TICK_MS = 1000;
/** The benchmark's file is looked at again this often (a bench may run while the app is open). */
const PROFILE_REFRESH_MS = 60_000;

async function capacityPlugin(app: FastifyInstance, o: CapacityPluginOptions): Promise<void> {
  const remoteAllowed = app.settings.current.teacherRemote;
  const sampler = new Sampler({
    students: () => app.hub.connected,
    writer: () => app.writer.stats,
    pendingWrites: () => app.writer.pending,
    relay: () => app.relay.stats(),
    bytesSent: () => ({ sockets: app.outbox.bytesSent, audio: o.audioStats.bytesSent }),
    connections: () => app.guard.stats(),
    pressure: o.pressure,
  });
  let profile: ProfileFile | null = readProfile(o.dataDir);
  let profileReadAt = Date.now();
  const monitor = new CapacityMonitor({
    reservePct: () => app.settings.current.capacityReservePct,
    quotaPerMinute: () => app.settings.current.geminiRequestsPerMinute,
    aiEnabled: () => app.relay.aiEnabled,
    networkMbps: () => app.settings.current.networkMbps,
    // One process serves every class: its event loop is one core.
    workers: () => 1,
    profile: () => {
      if (Date.now() - profileReadAt > PROFILE_REFRESH_MS) {
        profile = readProfile(o.dataDir);
        profileReadAt = Date.now();
      }
      return profile;
    },
  });

  // A first sample now, so the endpoint always has figures.
  let view = monitor.add(sampler.sample());
  const timer = setInterval(() => {
    // A tick that fails keeps the last figures: the panel must never be what takes the server down.
    try {
      view = monitor.add(sampler.sample());
      if (app.classes.dashboards > 0) app.classes.broadcast('CAPACITY', view);
    } catch (err) {
      o.pressure.report(resourceOf(err));
      app.log.warn({ err }, 'capacity sample failed');
    }
  }, TICK_MS);
  timer.unref();

  app.get(
    '/api/teacher/capacity',
    {
      // Whole-server figures: any class's teacher, and IT, may read them.
      onRequest: async (req) => {
        teacherClassOf(req, { adminToken: o.adminToken, remoteAllowed, classes: app.classes });
      },
      schema: { response: { 200: CapacityView } },
    },
    async () => view,
  );

  app.addHook('onClose', async () => {
    clearInterval(timer);
    sampler.stop();
  });
}

export default fp(capacityPlugin, { name: 'capacity', dependencies: ['classroom', 'guard'] });
