// Real Chromium for page tests: Debian's /usr/bin/chromium driven by playwright-core (which never
// downloads a browser of its own). Shared by the student and teacher page tests.
//
//   const browser = await launchBrowser();
//   const page = await newPage(browser, TABLET_LANDSCAPE);
//   ...
//   await saveScreenshot(page, 'student-join-1024x768');
//   await browser.close();
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.READERAI_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots and other artifacts go (gitignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));

/** Screen sizes the classroom has: 10" tablets both ways, a phone-sized tablet, a small phone. */
export const TABLET_LANDSCAPE = { width: 1024, height: 768 } as const;
export const TABLET_PORTRAIT = { width: 768, height: 1024 } as const;
/** A tall 10" Android tablet held upright. */
export const TABLET_TALL = { width: 800, height: 1280 } as const;
export const PHONE = { width: 390, height: 844 } as const;
export const SMALL_PHONE = { width: 360, height: 640 } as const;

/**
 * Launches headless Chromium. The flags keep it from reaching out to Google's services (this
 * machine has no network but the registries, and refused connections slow every start).
 */
export async function launchBrowser(o: { args?: string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      ...(o.args ?? []),
    ],
    timeout: 30_000,
  });
}

/** A fresh context (its own storage, like a separate tablet) with one page at the given size. */
export async function newPage(
  browser: Browser,
  viewport: { width: number; height: number } = TABLET_LANDSCAPE,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, hasTouch: true, deviceScaleFactor: 1, ...options });
  const page = await context.newPage();
  // A page error is a bug: keep them so a test can assert there were none.
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  pageErrors.set(page, errors);
  watchTraffic(page);
  return { context, page };
}

const pageErrors = new WeakMap<Page, string[]>();

/**
 * The page's recent console warnings, failed requests and refused API calls: what a failed wait
 * prints, so a timeout on a busy CI machine says what the page was stuck on.
 */
const pageTraffic = new WeakMap<Page, string[]>();

function watchTraffic(page: Page): void {
  const seen: string[] = [];
  const keep = (line: string) => {
    seen.push(line);
    if (seen.length > 20) seen.shift();
  };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') keep(`console ${m.type()}: ${m.text()}`);
  });
  page.on('requestfailed', (r) => keep(`failed ${r.method()} ${new URL(r.url()).pathname}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) keep(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  page.on('websocket', (ws) => {
    const path = new URL(ws.url()).pathname;
    let frames = 0;
    keep(`socket ${path} opening`);
    ws.on('framereceived', () => {
      if (frames++ === 0) keep(`socket ${path} first frame`);
    });
    ws.on('socketerror', (e) => keep(`socket ${path} error: ${e}`));
    ws.on('close', () => keep(`socket ${path} closed after ${frames} frames`));
  });
  pageTraffic.set(page, seen);
}

/**
 * Waits until the dashboard's live link is up (its SNAPSHOT arrived). On a timeout the error
 * carries what the page showed and its recent traffic, not only the selector.
 */
export async function waitLive(page: Page): Promise<void> {
  try {
    await page.locator('[data-link="live"]').waitFor({ timeout: 45_000 });
  } catch (err) {
    const shown = await page
      .locator('body')
      .innerText({ timeout: 2_000 })
      .catch(() => '(no page)');
    const traffic = pageTraffic.get(page) ?? [];
    throw new Error(
      `the dashboard did not go live; it showed: ${JSON.stringify(shown.slice(0, 300))}; ` +
        `recent traffic: ${traffic.join(' | ') || 'nothing refused'}`,
      { cause: err },
    );
  }
}

/** Uncaught exceptions thrown in the page since it was opened by newPage. */
export function errorsOf(page: Page): string[] {
  return pageErrors.get(page) ?? [];
}

/** Saves a full-viewport PNG under test-results/ and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
