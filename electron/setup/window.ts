// The teacher's window. It shows the dashboard served by our own local server and nothing else:
// navigation to any other origin is refused (web links open in the system browser instead), new
// windows and <webview>s are refused, and the page runs sandboxed without Node.
import { app, BrowserWindow, shell } from 'electron';
import type { EventChannels } from '../ipc/channels.js';
import { STATUS_PAGE_CSP } from '../security/csp.js';
import { isWebUrl, originOf } from '../security/origin.js';

export interface DashboardWindow {
  readonly window: BrowserWindow;
  /** The origin of the dashboard we loaded (our server), or null while a status page shows. */
  dashboardOrigin(): string | null;
  showDashboard(url: string): void;
  showStatus(title: string, detail: string): void;
  send<C extends keyof EventChannels>(channel: C, payload: EventChannels[C]): void;
  focus(): void;
}

export function setupDashboardWindow(options: { preload: string; title: string }): DashboardWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 600,
    title: options.title,
    show: false,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());

  let trustedOrigin: string | null = null;
  const contents = window.webContents;

  // Links the dashboard opens (help pages, Google AI Studio) go to the system browser.
  const leaveForBrowser = (url: string) => {
    if (isWebUrl(url)) void shell.openExternal(url);
  };
  contents.setWindowOpenHandler(({ url }) => {
    leaveForBrowser(url);
    return { action: 'deny' };
  });
  const keepOnDashboard = (event: { url: string; preventDefault(): void }) => {
    if (trustedOrigin !== null && originOf(event.url) === trustedOrigin) return;
    event.preventDefault();
    leaveForBrowser(event.url);
  };
  contents.on('will-navigate', keepOnDashboard);
  contents.on('will-redirect', keepOnDashboard);
  contents.on('will-attach-webview', (event) => event.preventDefault());

  // With the school's TLS certificate the server speaks HTTPS, and the certificate names the
  // school's host, not 127.0.0.1. Accept that mismatch only for our own server on loopback.
  app.on('certificate-error', (event, webContents, url, _error, _certificate, callback) => {
    const ours = webContents === contents && trustedOrigin !== null && originOf(url) === trustedOrigin;
    const loopback = ours && new URL(url).hostname === '127.0.0.1';
    if (loopback) event.preventDefault();
    callback(loopback);
  });

  return {
    window,
    dashboardOrigin: () => trustedOrigin,
    showDashboard(url) {
      trustedOrigin = originOf(url);
      void window.loadURL(url);
    },
    showStatus(title, detail) {
      trustedOrigin = null;
      void window.loadURL(statusPage(title, detail));
    },
    send(channel, payload) {
      if (!window.isDestroyed()) contents.send(channel, payload);
    },
    focus() {
      if (window.isMinimized()) window.restore();
      window.focus();
    },
  };
}

/** A script-free page for "starting" and "could not start", before the dashboard can show. */
export function statusPage(title: string, detail: string): string {
  const escape = (s: string) =>
    s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
  const html = `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${STATUS_PAGE_CSP}">
<title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:15vh auto;max-width:36em;padding:0 1em;color:#222}
h1{font-size:1.4em}pre{white-space:pre-wrap;background:#f4f4f4;padding:.8em;border-radius:6px}</style>
</head><body><h1>${escape(title)}</h1><pre>${escape(detail)}</pre></body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}
