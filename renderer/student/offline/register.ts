// Asks the browser to keep the student app for offline reloads (./sw.ts), and says whether it
// can: browsers run service workers only in a secure context (HTTPS, or this machine's own
// loopback), so a class on http://192.168.x.x gets NO_HTTPS and the tablet must not be reloaded
// while the server is away.
import { OfflineReload } from '../../../shared/protocol/codes.js';

/** Resolves once the worker is active (the shell is cached), or with the reason it cannot be. */
export async function keepForOffline(): Promise<OfflineReload> {
  if (!isSecureContext) return OfflineReload.NO_HTTPS;
  if (!('serviceWorker' in navigator)) return OfflineReload.UNSUPPORTED;
  try {
    const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    return (await activated(registration)) ? OfflineReload.READY : OfflineReload.FAILED;
  } catch {
    return OfflineReload.FAILED;
  }
}

/** Whether a worker of this registration reaches "activated" (false: it became redundant). */
function activated(registration: ServiceWorkerRegistration): Promise<boolean> {
  // An older build's active worker already serves offline reloads while a new one installs.
  if (registration.active) return Promise.resolve(true);
  const worker = registration.installing ?? registration.waiting;
  if (!worker) return Promise.resolve(false);
  return new Promise((resolve) => {
    const check = () => {
      if (worker.state === 'activated') resolve(true);
      else if (worker.state === 'redundant') resolve(registration.active !== null);
    };
    worker.addEventListener('statechange', check);
    check();
  });
}
