// The Electron preload's API (`window.readerai`), present only inside the desktop app. In a plain
// browser (the headless fallback) every caller gets null and offers what the server alone can do.
import type { ReaderAIDesktopApi } from '../../../electron/ipc/channels.js';

export type { GeminiKeyState, SecretState, ServerStatus } from '../../../electron/ipc/channels.js';

declare global {
  interface Window {
    readerai?: ReaderAIDesktopApi;
  }
}

export function desktop(): ReaderAIDesktopApi | null {
  return typeof window !== 'undefined' && window.readerai ? window.readerai : null;
}
