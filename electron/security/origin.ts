// Pure checks the window and the IPC handlers share: which URLs belong to the dashboard, which may
// go to the system browser, and which IPC senders are our own dashboard page.

/** The origin of a URL ("http://127.0.0.1:8080"), or null for opaque or invalid URLs. */
export function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** Only plain web links go to the system browser: never file:, javascript:, custom schemes. */
export function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** The parts of an IPC event the check needs (Electron's IpcMainInvokeEvent has them). */
export interface SenderInfo {
  sender: unknown;
  senderFrame: { url: string; parent: unknown } | null;
}

/**
 * True only for messages from the top frame of our own window while it shows the dashboard of
 * the server we started. Anything else (an iframe, a page that got navigated elsewhere, another
 * webContents, a frame that is gone) is refused.
 */
export function isTrustedSender(event: SenderInfo, ourWebContents: unknown, dashboardOrigin: string | null): boolean {
  const frame = event.senderFrame;
  if (!frame || dashboardOrigin === null) return false;
  if (event.sender !== ourWebContents || frame.parent !== null) return false;
  return originOf(frame.url) === dashboardOrigin;
}
