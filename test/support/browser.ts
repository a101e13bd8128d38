import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { CONSOLE_DIR } from '../../hub/http/console.ts';
import { CHROMIUM_ARGS, NO_CHROMIUM } from './chromium.ts';
import { REPO_ROOT } from './fixtures.ts';

/** How long a page may take to show what a step waits for (a loaded machine can be slow; nothing waits this long when all is well). */
export const WAIT_MS = 10_000;
/** For `expect.poll(…, EVENTUALLY)`: its own default (1 s) is too short on a loaded machine. */
export const EVENTUALLY = { timeout: WAIT_MS } as const;

export const WIDE = { width: 1280, height: 800 } as const;
export const NARROW = { width: 360, height: 740 } as const;

/** What went wrong inside a page that no test asked for: uncaught errors and Content-Security-Policy violations. */
interface PageTrouble {
  errors: string[];
  cspViolations: string[];
}

export interface Browsing {
  /** A page in a fresh context (its own storage), closed after the test. */
  open(options?: BrowserContextOptions): Promise<Page>;
}

/**
 * One Chromium per test file, a new context per page, everything closed in afterAll. A page that
 * throws an uncaught error or breaks the console's CSP fails its test. Call at the top of a file.
 */
export function useBrowser(): Browsing {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const opened: Array<{ page: Page; trouble: PageTrouble }> = [];

  beforeAll(async () => {
    const executablePath = inject('chromiumPath');
    if (!executablePath) throw new Error(NO_CHROMIUM);
    if (!existsSync(path.join(CONSOLE_DIR, 'index.html'))) {
      throw new Error(`The agent console is not built (${CONSOLE_DIR} has no index.html). Run \`npm run build:console\` first (\`npm test\` does).`);
    }
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  });

  afterEach(async () => {
    const pages = opened.splice(0);
    const closing = contexts.splice(0);
    await Promise.all(closing.map((context) => context.close().catch(() => undefined)));
    for (const { trouble } of pages) {
      expect(trouble.errors, 'uncaught errors in the page').toEqual([]);
      expect(trouble.cspViolations, 'Content-Security-Policy violations in the page').toEqual([]);
    }
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
    await browser?.close();
  });

  return {
    async open(options = {}) {
      if (!browser) throw new Error('useBrowser(): the browser is not running (did beforeAll fail?)');
      const context = await browser.newContext({ viewport: WIDE, ...options });
      contexts.push(context);
      // Well under the test's timeout, so a step that never happens is named in the failure.
      context.setDefaultTimeout(WAIT_MS);
      const page = await context.newPage();
      const trouble: PageTrouble = { errors: [], cspViolations: [] };
      opened.push({ page, trouble });
      page.on('pageerror', (error) => trouble.errors.push(error.message));
      // Reported by the page itself: the console must keep to its own policy.
      await page.exposeBinding('__reportCspViolation', (_source, text: string) => void trouble.cspViolations.push(text));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) => {
          const report = (window as unknown as { __reportCspViolation: (text: string) => void }).__reportCspViolation;
          void report(`${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} ${event.sample}`);
        });
      });
      return page;
    },
  };
}

/** Where screenshots go: `BATON_SCREENSHOTS_DIR` when set (e.g. docs/screenshots), else test-results/screenshots (gitignored). */
export async function screenshotsDir(): Promise<string> {
  const dir = path.resolve(REPO_ROOT, process.env.BATON_SCREENSHOTS_DIR ?? 'test-results/screenshots');
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Opens the console with a sign-in link (`/#token=…`) and waits until it is connected and signed in
 * (the hub sent the session: the presence picker comes alive), so the hub counts this person as present.
 */
export async function openConsole(browsing: Browsing, hubUrl: string, token: string, options: BrowserContextOptions = {}): Promise<Page> {
  const page = await browsing.open(options);
  await page.goto(`${hubUrl}/#token=${encodeURIComponent(token)}`);
  await expect.poll(() => page.getByRole('status', { name: 'Connection: Connected' }).count(), EVENTUALLY).toBe(1);
  await expect.poll(() => page.getByRole('combobox', { name: 'Presence', exact: true }).isEnabled(), EVENTUALLY).toBe(true);
  // The sign-in link's token does not stay in the address bar.
  expect(page.url()).toBe(`${hubUrl}/`);
  return page;
}

/** The console's landmarks by their accessible names (renderer/README.md). */
export function consoleOf(page: Page) {
  return {
    offers: page.getByRole('listbox', { name: 'Offers' }),
    mine: page.getByRole('listbox', { name: 'My handoffs' }),
    recent: page.getByRole('listbox', { name: 'Recently finished' }),
    /** A handoff's inbox row (in whichever list it is). */
    row: (handoffId: string) => page.locator(`[id="row-${handoffId}"]`),
    /** The selected handoff: header, actions and packet. */
    pane: page.locator('article.pane'),
    connection: page.getByRole('status', { name: /^Connection:/ }),
    button: (name: string) => page.getByRole('button', { name, exact: true }),
  };
}
