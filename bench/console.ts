import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, requireChromium } from '../test/support/chromium.ts';
import { startServer } from './lib/ipc.ts';
import { round, summarize } from './lib/stats.ts';

export interface ConsoleResult {
  handoffs: number;
  /** From navigation to the inbox showing every handoff (sign-in, snapshot, first render). */
  inboxRenderMs: number;
  /** From a `j` keystroke (next handoff) to the frame after it. */
  keystrokeToFrameMs: ReturnType<typeof summarize>;
}

declare global {
  interface Window {
    __keyFrames: number[];
  }
}

/**
 * The agent console in Chromium with `handoffs` accepted handoffs: how long the inbox takes to
 * show them all, and how long a keystroke that moves through them takes to reach the screen.
 */
export async function measureConsole(handoffs: number, keystrokes: number): Promise<ConsoleResult> {
  const hub = await startServer('hub-server', { BENCH_AGENTS: '1', BENCH_HANDOFFS: String(handoffs) });
  const browser = await chromium.launch({ executablePath: (await requireChromium()).executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Each keystroke's time is taken in the page: from the event's own timestamp to a task queued
    // from the next animation frame, i.e. after that frame's rendering work.
    await page.addInitScript(() => {
      window.__keyFrames = [];
      document.addEventListener(
        'keydown',
        (event) => {
          const start = event.timeStamp;
          requestAnimationFrame(() => setTimeout(() => window.__keyFrames.push(performance.now() - start)));
        },
        { capture: true },
      );
    });
    await page.goto(`${hub.url}/#token=bench-0`);
    await page.waitForFunction((n) => document.querySelectorAll('[aria-label="My handoffs"] [role="option"]').length === n, handoffs, { timeout: 120_000 });
    const inboxRenderMs = await page.evaluate(() => performance.now());
    await page.locator('[aria-label="My handoffs"] [role="option"]').first().click();
    await page.evaluate(() => (window.__keyFrames = []));
    for (let i = 0; i < keystrokes; i++) {
      await page.keyboard.press('j');
      await page.waitForFunction((n) => window.__keyFrames.length === n, i + 1);
    }
    const samples = await page.evaluate(() => window.__keyFrames);
    return { handoffs, inboxRenderMs: round(inboxRenderMs, 0), keystrokeToFrameMs: summarize(samples) };
  } finally {
    await browser.close();
    await hub.stop();
  }
}
