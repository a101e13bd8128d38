// `npm test` runs this first: without a browser the end-to-end tests cannot run, and one sentence
// that says how to get one beats a page of failing files.
import { findChromium, NO_CHROMIUM } from './chromium.ts';

try {
  const found = await findChromium();
  if (!found) throw new Error(NO_CHROMIUM);
  console.log(`End-to-end tests drive ${found.executablePath} (${found.from}).`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
