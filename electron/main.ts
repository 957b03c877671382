// The desktop app's main process: one window showing the teacher dashboard of a classroom server
// that runs beside it in a supervised utilityProcess. Each concern lives in its own setup module;
// this file only wires them together. Run by Electron only (never by plain Node).
import { app, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLogFile } from './server-process/log-file.js';
import { setupGeminiKeyStore } from './setup/gemini-key.js';
import { setupVertexKeyStore } from './setup/vertex-key.js';
import { setupIpc } from './setup/ipc.js';
import { setupPowerSaveBlocker } from './setup/power.js';
import { setupQuit } from './setup/quit.js';
import { setupServer } from './setup/server.js';
import { setupSessionSecurity } from './setup/session.js';
import { setupDashboardWindow } from './setup/window.js';

const PRODUCT_NAME = 'ReaderAI Classroom';
const here = dirname(fileURLToPath(import.meta.url));

// Same folder whether packaged or started with `npm start` (which runs this file directly, where
// Electron would otherwise name the folder after "Electron").
app.setName(PRODUCT_NAME);
app.setPath('userData', join(app.getPath('appData'), PRODUCT_NAME));

// A second launch (double-click on the icon again) focuses the running window instead of trying
// to start a second server on the same port.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(run);
}

function run(): void {
  const dataDir = app.getPath('userData');
  const log = openLogFile(join(app.getPath('logs'), 'readerai.log'), app.isPackaged ? null : process.stdout);
  log.line(`starting ${PRODUCT_NAME} ${app.getVersion()} (Electron ${process.versions.electron})`);

  const geminiKey = setupGeminiKeyStore(join(dataDir, 'gemini-key.bin'), log.line);
  const vertexKey = setupVertexKeyStore(join(dataDir, 'vertex-key.bin'), log.line);
  const dashboard = setupDashboardWindow({ preload: join(here, 'preload.cjs'), title: PRODUCT_NAME });
  setupSessionSecurity(session.defaultSession, dashboard.dashboardOrigin);
  const power = setupPowerSaveBlocker();
  const supervisor = setupServer({
    serverPath: join(here, '..', 'server', 'main.js'),
    dataDir,
    log,
    echo: !app.isPackaged,
    geminiKey,
    vertexKey,
    dashboard,
  });
  setupIpc({ dashboard, supervisor, geminiKey, vertexKey, power, dataDir });
  setupQuit({ supervisor, power, log: log.line });
  app.on('second-instance', () => dashboard.focus());
  supervisor.start();
}
