// The Electron shell's setup modules with `electron` mocked at the edge (its binary is not
// installed here). The modules' own logic runs for real: sender checks, argument checks, the
// encrypted key file on disk, navigation rules, CSP headers and the window's reaction to states.
// The IPC handlers talk to a real supervisor running the real dist/server/main.js (with plain
// Node's fork in place of Electron's utilityProcess, as `npm start` does without Electron).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent, BrowserWindowConstructorOptions } from 'electron';

const fake = vi.hoisted(() => {
  type Listener = (...args: never[]) => unknown;
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  // A reversible stand-in for the OS keychain: the plaintext must never reach the disk.
  const mask = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  const windows: FakeWindow[] = [];
  class FakeWebContents {
    listeners = new Map<string, Listener[]>();
    openHandler: ((d: { url: string }) => { action: string }) | null = null;
    sent: [string, unknown][] = [];
    on(name: string, fn: Listener) {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
    }
    setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
      this.openHandler = fn;
    }
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
  }
  class FakeWindow {
    webContents = new FakeWebContents();
    loaded: string[] = [];
    constructor(public options: unknown) {
      windows.push(this);
    }
    once() {}
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
  }
  return {
    handlers,
    windows,
    FakeWindow,
    electron: {
      ipcMain: {
        handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => handlers.set(channel, fn),
      },
      shell: { openPath: vi.fn(async (_path: string) => ''), openExternal: vi.fn(async (_url: string) => {}) },
      powerSaveBlocker: {
        start: vi.fn((_type: string) => 7),
        stop: vi.fn((_id: number) => {}),
        isStarted: vi.fn((_id: number) => true),
      },
      safeStorage: {
        isEncryptionAvailable: vi.fn(() => true),
        getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
        encryptString: (s: string) => mask(Buffer.from(`v1:${s}`)),
        decryptString: (b: Buffer) => {
          const s = mask(b).toString();
          if (!s.startsWith('v1:')) throw new Error('bad ciphertext');
          return s.slice(3);
        },
      },
      app: { on: vi.fn() },
      dialog: {
        showOpenDialog: vi.fn(async (_window: unknown, _options: unknown) => ({
          canceled: true,
          filePaths: [] as string[],
        })),
      },
      BrowserWindow: FakeWindow,
    },
  };
});
vi.mock('electron', () => fake.electron);

const { setupIpc } = await import('../electron/setup/ipc.js');
const { setupGeminiKeyStore } = await import('../electron/setup/gemini-key.js');
const { setupVertexKeyStore } = await import('../electron/setup/vertex-key.js');
const { setupPowerSaveBlocker } = await import('../electron/setup/power.js');
const { setupDashboardWindow, statusPage } = await import('../electron/setup/window.js');
const { reflectStatus, serverEnvironment } = await import('../electron/setup/server.js');
const { withCsp } = await import('../electron/setup/session.js');
const { dashboardCsp } = await import('../electron/security/csp.js');
const { isWebUrl } = await import('../electron/security/origin.js');
import type { ServerStarted } from '../server/host-messages.js';
import { ServerSupervisor, type ServerStatus } from '../electron/server-process/supervisor.js';
import { forkWithNode } from '../electron/server-process/fork-node.js';
import type { GeminiKeyStore } from '../electron/setup/gemini-key.js';
import type { VertexKeyStore } from '../electron/setup/vertex-key.js';
import { FakeGemini } from '../testkit/fake-gemini.js';
import { REAL_SERVER, waitFor } from './support/supervisor.js';

const ORIGIN = 'http://127.0.0.1:8080';
const SESSION: ServerStarted = {
  type: 'server-started',
  port: 8080,
  dashboardUrl: `${ORIGIN}/teacher/#token=tok`,
  joinUrl: 'http://192.168.1.20:8080/',
  adminToken: 'tok',
  dataDir: '/data/readerai',
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'readerai-electron-'));
  fake.handlers.clear();
  vi.clearAllMocks();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// One real server for the IPC tests, started the way setupServer does: the environment is read
// at every (re)start, with the key the current test's key store holds.
let supervisor: ServerSupervisor;
let serverDir: string;
let keyStore: GeminiKeyStore | null = null;
let vertexStore: VertexKeyStore | null = null;
beforeAll(async () => {
  serverDir = mkdtempSync(join(tmpdir(), 'readerai-electron-server-'));
  supervisor = new ServerSupervisor({
    fork: forkWithNode(REAL_SERVER),
    env: () =>
      serverEnvironment(
        {
          ...process.env,
          READERAI_PORT: '0',
          READERAI_HOST: '127.0.0.1',
          READERAI_MACHINE_CONFIG: join(serverDir, 'none.json'),
        },
        { dataDir: serverDir, geminiKey: keyStore?.read() ?? null, vertexKey: vertexStore?.read() ?? null },
      ),
    shutdownTimeoutMs: 10_000,
  });
  supervisor.start();
  await runningAgain();
}, 60_000);
afterAll(async () => {
  await supervisor?.stop();
  rmSync(serverDir, { recursive: true, force: true });
});

/** Resolves with the session once the supervisor reports the server running. */
async function runningAgain(): Promise<ServerStarted> {
  await waitFor(supervisor, (st) => st.state === 'running', 30_000);
  return supervisor.session!;
}

/** What the running server says about a secret setting (the teacher API on the current session). */
async function serverKey(key = 'geminiApiKey'): Promise<{ isSet: boolean; value: unknown }> {
  const s = supervisor.session!;
  const res = await fetch(`http://127.0.0.1:${s.port}/api/teacher/settings`, {
    headers: { authorization: `Bearer ${s.adminToken}` },
  });
  return ((await res.json()) as { key: string; isSet: boolean; value: unknown }[]).find((x) => x.key === key)!;
}

function wireIpc() {
  // The real window (over the mocked BrowserWindow), showing the dashboard of ORIGIN.
  const dashboard = setupDashboardWindow({ preload: '/app/preload.cjs', title: 'ReaderAI Classroom' });
  dashboard.showDashboard(SESSION.dashboardUrl);
  const ourContents = fake.windows.at(-1)!.webContents;
  const geminiKey = setupGeminiKeyStore(join(dir, 'gemini-key.bin'));
  keyStore = geminiKey;
  const vertexKey = setupVertexKeyStore(join(dir, 'vertex-key.bin'));
  vertexStore = vertexKey;
  const power = setupPowerSaveBlocker();
  setupIpc({ dashboard, supervisor, geminiKey, vertexKey, power, dataDir: dir });
  const trusted = { sender: ourContents, senderFrame: { url: `${ORIGIN}/teacher/`, parent: null } };
  const call = (channel: string, event: unknown, ...args: unknown[]) => {
    const handler = fake.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return Promise.resolve().then(() => handler(event as IpcMainInvokeEvent, ...args));
  };
  return {
    call,
    trusted,
    showStatusPage: () => dashboard.showStatus('Restarting the classroom server…', ''),
    ourContents,
  };
}

describe('IPC handlers', () => {
  it('answers our dashboard with the admin session and the server status', async () => {
    const { call, trusted } = wireIpc();
    const session = (await call('readerai:session:get', trusted)) as {
      dashboardUrl: string;
      joinUrl: string;
      adminToken: string;
      port: number;
      dataDir: string;
    };
    expect(session).toEqual({
      dashboardUrl: `http://127.0.0.1:${session.port}/teacher/#token=${session.adminToken}`,
      joinUrl: expect.stringMatching(/^http:\/\/.+\/join\?code=/),
      adminToken: expect.stringMatching(/.{16,}/),
      port: expect.any(Number),
      dataDir: serverDir,
    });
    // The token really opens the teacher API of the server that is running.
    const res = await fetch(`http://127.0.0.1:${session.port}/api/teacher/classroom`, {
      headers: { authorization: `Bearer ${session.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(await call('readerai:server-status:get', trusted)).toEqual({
      state: 'running',
      port: session.port,
      joinUrl: session.joinUrl,
    });
  });

  it('refuses every sender that is not the top frame of our window on our origin', async () => {
    const { call, trusted, showStatusPage } = wireIpc();
    const refused = /refused: the sender is not the ReaderAI dashboard/;
    const cases = {
      'another webContents': { ...trusted, sender: { id: 2 } },
      'an iframe': { ...trusted, senderFrame: { url: `${ORIGIN}/teacher/`, parent: {} } },
      'a page navigated elsewhere': { ...trusted, senderFrame: { url: 'https://evil.example/teacher/', parent: null } },
      'same host, other port': { ...trusted, senderFrame: { url: 'http://127.0.0.1:9999/', parent: null } },
      'a frame that is gone': { ...trusted, senderFrame: null },
      'a data: status page': { ...trusted, senderFrame: { url: 'data:text/html,hi', parent: null } },
    };
    for (const [why, event] of Object.entries(cases)) {
      await expect(call('readerai:session:get', event), why).rejects.toThrow(refused);
      await expect(call('readerai:gemini-key:save', event, 'AIzaSomething'), why).rejects.toThrow(refused);
    }
    showStatusPage(); // a status page is showing: nothing is trusted
    await expect(call('readerai:session:get', trusted)).rejects.toThrow(refused);
    expect(existsSync(join(dir, 'gemini-key.bin'))).toBe(false);
  });

  it('refuses arguments of the wrong shape', async () => {
    const { call, trusted } = wireIpc();
    const bad = /refused: unexpected arguments/;
    await expect(call('readerai:class-live:set', trusted, 'yes')).rejects.toThrow(bad);
    await expect(call('readerai:class-live:set', trusted)).rejects.toThrow(bad);
    await expect(call('readerai:gemini-key:save', trusted, 42)).rejects.toThrow(bad);
    await expect(call('readerai:gemini-key:save', trusted, 'k'.repeat(600))).rejects.toThrow(bad);
    await expect(call('readerai:session:get', trusted, 'extra')).rejects.toThrow(bad);
    expect(fake.electron.powerSaveBlocker.start).not.toHaveBeenCalled();
  });

  it('saves the Gemini key encrypted, shows only a hint, and restarts the server, which then has it', async () => {
    const { call, trusted } = wireIpc();
    const key = 'AIzaSyExampleKey0000abcd';
    const before = supervisor.session!;
    expect((await serverKey()).isSet).toBe(false);
    expect(await call('readerai:gemini-key:get', trusted)).toEqual({ stored: false, hint: null, protection: 'os' });
    const states: string[] = [];
    const note = (st: ServerStatus) => states.push(st.state);
    supervisor.on('status', note);
    expect(await call('readerai:gemini-key:save', trusted, `  ${key} `)).toEqual({
      stored: true,
      hint: '…abcd',
      protection: 'os',
    });
    const file = join(dir, 'gemini-key.bin');
    expect(readFileSync(file).includes(Buffer.from(key))).toBe(false);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(setupGeminiKeyStore(file).read()).toBe(key);
    // A new server process, started with the saved key.
    const after = await runningAgain();
    supervisor.off('status', note);
    expect(states).toEqual(['stopping', 'stopped', 'starting', 'running']);
    expect(after.adminToken).toBe(before.adminToken); // same data folder, same token
    expect(await serverKey()).toMatchObject({ isSet: true, value: '••••abcd' });

    expect(await call('readerai:gemini-key:save', trusted, null)).toEqual({
      stored: false,
      hint: null,
      protection: 'os',
    });
    expect(existsSync(file)).toBe(false);
    expect(supervisor.status.state).toBe('stopping'); // the restart began with the save
    await runningAgain();
    expect((await serverKey()).isSet).toBe(false);
  });

  it('keeps a picked Vertex AI key file encrypted, refuses other files, hands it to the restarted server', async () => {
    const { call, trusted } = wireIpc();
    const pick = (path: string | null) =>
      fake.electron.dialog.showOpenDialog.mockResolvedValueOnce(
        path ? { canceled: false, filePaths: [path] } : { canceled: true, filePaths: [] },
      );
    pick(null);
    expect(await call('readerai:vertex-key:pick', trusted)).toBeNull();
    expect(supervisor.status.state).toBe('running'); // cancelling changes nothing
    const notAKey = join(dir, 'client-secret.json');
    writeFileSync(notAKey, JSON.stringify({ installed: { client_id: 'x', client_secret: 'hush' } }));
    pick(notAKey);
    await expect(call('readerai:vertex-key:pick', trusted)).rejects.toThrow(/not a service account's key/);
    expect(existsSync(join(dir, 'vertex-key.bin'))).toBe(false);

    const google = await FakeGemini.start();
    const keyJson = google.serviceAccountKey('reader@school-project.iam.gserviceaccount.com');
    await google.close();
    const keyFile = join(dir, 'school-project-key.json');
    writeFileSync(keyFile, keyJson);
    pick(keyFile);
    expect(await call('readerai:vertex-key:pick', trusted)).toEqual({
      stored: true,
      hint: 'reader@school-project.iam.gserviceaccount.com',
      protection: 'os',
    });
    const privateKey = (JSON.parse(keyJson) as { private_key: string }).private_key;
    expect(readFileSync(join(dir, 'vertex-key.bin')).includes(Buffer.from(privateKey.slice(40, 80)))).toBe(false);
    await runningAgain();
    expect(await serverKey('vertexCredentialsJson')).toMatchObject({ isSet: true });
    expect(JSON.stringify(await serverKey('vertexCredentialsJson'))).not.toContain('PRIVATE');

    expect(await call('readerai:vertex-key:remove', trusted)).toMatchObject({ stored: false });
    await runningAgain();
    expect((await serverKey('vertexCredentialsJson')).isSet).toBe(false);
  });

  it('will not store the key where the OS offers no encryption, and flags a weak Linux keyring', async () => {
    const { call, trusted } = wireIpc();
    fake.electron.safeStorage.isEncryptionAvailable.mockReturnValue(false);
    await expect(call('readerai:gemini-key:save', trusted, 'AIzaKey1234')).rejects.toThrow(/no secure storage/);
    fake.electron.safeStorage.isEncryptionAvailable.mockReturnValue(true);
    fake.electron.safeStorage.getSelectedStorageBackend.mockReturnValue('basic_text');
    const state = await call('readerai:gemini-key:get', trusted);
    expect(state).toMatchObject({ protection: process.platform === 'linux' ? 'weak' : 'os' });
    fake.electron.safeStorage.getSelectedStorageBackend.mockReturnValue('gnome_libsecret');
  });

  it('a key file that no longer decrypts (keychain reset) reads as no key', () => {
    const file = join(dir, 'gemini-key.bin');
    const lines: string[] = [];
    const store = setupGeminiKeyStore(file, (l) => lines.push(l));
    store.save('AIzaKey1234');
    expect(store.read()).toBe('AIzaKey1234');
    writeFileSync(file, 'garbage');
    expect(store.read()).toBeNull();
    expect(store.state()).toMatchObject({ stored: false });
    expect(lines[0]).toMatch(/could not decrypt/);
  });

  it('keeps the machine awake exactly while a class is live', async () => {
    const { call, trusted } = wireIpc();
    const blocker = fake.electron.powerSaveBlocker;
    await call('readerai:class-live:set', trusted, true);
    await call('readerai:class-live:set', trusted, true);
    expect(blocker.start).toHaveBeenCalledTimes(1);
    expect(blocker.start).toHaveBeenCalledWith('prevent-app-suspension');
    await call('readerai:class-live:set', trusted, false);
    expect(blocker.stop).toHaveBeenCalledWith(7);
    await call('readerai:class-live:set', trusted, false);
    expect(blocker.stop).toHaveBeenCalledTimes(1);
  });

  it('opens the server data folder, and reports failure', async () => {
    const { call, trusted } = wireIpc();
    await call('readerai:data-folder:open', trusted);
    // The folder the running server reported, not the app's default.
    expect(fake.electron.shell.openPath).toHaveBeenCalledWith(serverDir);
    fake.electron.shell.openPath.mockResolvedValueOnce('No application');
    await expect(call('readerai:data-folder:open', trusted)).rejects.toThrow(/No application/);
  });
});

describe('dashboard window', () => {
  function openWindow() {
    const dashboard = setupDashboardWindow({ preload: '/app/preload.cjs', title: 'ReaderAI Classroom' });
    const win = fake.windows.at(-1)!;
    const emit = (name: string, url: string) => {
      const event = { url, preventDefault: vi.fn() };
      for (const fn of win.webContents.listeners.get(name) ?? []) (fn as (e: typeof event) => void)(event);
      return event.preventDefault.mock.calls.length > 0;
    };
    return { dashboard, win, emit };
  }

  it('is sandboxed, isolated and without Node', () => {
    const { win } = openWindow();
    const prefs = (win.options as BrowserWindowConstructorOptions).webPreferences!;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      preload: '/app/preload.cjs',
    });
  });

  it('stays on the dashboard origin and sends web links to the system browser', () => {
    const { dashboard, emit } = openWindow();
    dashboard.showDashboard(SESSION.dashboardUrl);
    expect(dashboard.dashboardOrigin()).toBe(ORIGIN);
    expect(emit('will-navigate', `${ORIGIN}/teacher/settings`)).toBe(false);
    expect(emit('will-navigate', 'https://aistudio.google.com/apikey')).toBe(true);
    expect(fake.electron.shell.openExternal).toHaveBeenCalledWith('https://aistudio.google.com/apikey');
    expect(emit('will-redirect', 'http://127.0.0.1:9999/')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://server/share']) {
      expect(emit('will-navigate', url)).toBe(true);
    }
    expect(fake.electron.shell.openExternal).toHaveBeenCalledTimes(2);
  });

  it('denies new windows, opening only http(s) links outside', () => {
    const { win } = openWindow();
    expect(win.webContents.openHandler!({ url: 'https://example.org/help' })).toEqual({ action: 'deny' });
    expect(win.webContents.openHandler!({ url: 'file:///C:/Windows' })).toEqual({ action: 'deny' });
    expect(fake.electron.shell.openExternal.mock.calls).toEqual([['https://example.org/help']]);
  });

  it('status pages are script-free data: pages that escape their text', () => {
    const url = statusPage('Could not start', '<script>alert(1)</script> port 8080 in use');
    const html = decodeURIComponent(url.slice('data:text/html;charset=utf-8,'.length));
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; port 8080 in use');
    expect(html).not.toContain('<script>');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });
});

describe('window follows the server state', () => {
  // The real DashboardWindow over the mocked BrowserWindow: what it loaded and what it sent.
  function realWindow() {
    const dashboard = setupDashboardWindow({ preload: '/app/preload.cjs', title: 'ReaderAI Classroom' });
    const win = fake.windows.at(-1)!;
    const loaded = () =>
      win.loaded.map((url) => (url.startsWith('data:') ? `status ${statusTitle(url)}` : `dashboard ${url}`));
    const sent = () =>
      win.webContents.sent.map(([channel, payload]) => `${channel} ${(payload as ServerStatus).state}`);
    return { dashboard, loaded, sent };
  }
  const statusTitle = (url: string) => /<h1>(.*?)<\/h1>/.exec(decodeURIComponent(url.slice(url.indexOf(',') + 1)))?.[1];

  it('shows a status page, then the dashboard; restarts keep the dashboard; a new port reloads it', () => {
    const { dashboard: d, loaded, sent } = realWindow();
    reflectStatus(d, { state: 'starting', attempt: 1 }, null);
    reflectStatus(d, { state: 'running', port: 8080, joinUrl: '' }, SESSION.dashboardUrl);
    reflectStatus(d, { state: 'restarting', attempt: 2, retryInMs: 500, reason: 'server exited with code 3' }, null);
    reflectStatus(d, { state: 'starting', attempt: 2 }, null);
    reflectStatus(d, { state: 'running', port: 8080, joinUrl: '' }, SESSION.dashboardUrl);
    reflectStatus(d, { state: 'running', port: 8081, joinUrl: '' }, 'http://127.0.0.1:8081/teacher/#token=t2');
    expect(sent()).toEqual(
      ['starting', 'running', 'restarting', 'starting', 'running', 'running'].map(
        (state) => `readerai:server-status ${state}`,
      ),
    );
    expect(loaded()).toEqual([
      'status Starting the classroom server…',
      `dashboard ${SESSION.dashboardUrl}`,
      'dashboard http://127.0.0.1:8081/teacher/#token=t2',
    ]);
    expect(d.dashboardOrigin()).toBe('http://127.0.0.1:8081');
  });

  it('shows why when the server gives up', () => {
    const { dashboard: d, loaded } = realWindow();
    reflectStatus(d, { state: 'running', port: 8080, joinUrl: '' }, SESSION.dashboardUrl);
    reflectStatus(d, { state: 'failed', reason: 'port 8080 is already in use' }, null);
    expect(loaded().at(-1)).toBe('status The classroom server could not start');
    expect(decodeURIComponent(fake.windows.at(-1)!.loaded.at(-1)!)).toContain('port 8080 is already in use');
    expect(d.dashboardOrigin()).toBeNull();
  });
});

describe('server environment, CSP and links', () => {
  it('passes the data folder and saved key, one process, and never ELECTRON_RUN_AS_NODE', () => {
    const env = serverEnvironment(
      { PATH: '/bin', ELECTRON_RUN_AS_NODE: '1', READERAI_LOG_LEVEL: 'info' },
      { dataDir: '/u', geminiKey: 'k' },
    );
    expect(env).toEqual({
      PATH: '/bin',
      READERAI_LOG_LEVEL: 'info',
      READERAI_DATA_DIR: '/u',
      READERAI_WORKERS: '1',
      GEMINI_API_KEY: 'k',
    });
    expect(
      serverEnvironment(
        { READERAI_DATA_DIR: '/it', GEMINI_API_KEY: 'env', READERAI_WORKERS: '4' },
        { dataDir: '/u', geminiKey: null },
      ),
    ).toEqual({
      READERAI_DATA_DIR: '/it',
      GEMINI_API_KEY: 'env',
      READERAI_WORKERS: '1',
    });
  });

  it('adds our CSP beside the server one', () => {
    const headers = withCsp(
      { 'content-security-policy': ["default-src 'self'"], 'Content-Type': 'text/html' },
      dashboardCsp(ORIGIN),
    );
    expect(headers['Content-Type']).toEqual(['text/html']);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['Content-Security-Policy']).toHaveLength(2);
    const ours = headers['Content-Security-Policy']![1]!;
    expect(ours).toContain("script-src 'self'");
    expect(ours).toContain("connect-src 'self' ws://127.0.0.1:8080");
    expect(ours).toContain("object-src 'none'");
    expect(dashboardCsp('https://127.0.0.1:8443')).toContain('wss://127.0.0.1:8443');
  });

  it('only http and https count as web links', () => {
    expect(['https://a.b/', 'http://a.b/'].map(isWebUrl)).toEqual([true, true]);
    expect(['file:///x', 'javascript:1', 'mailto:a@b', 'not a url'].map(isWebUrl)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
