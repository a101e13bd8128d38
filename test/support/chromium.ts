/** Debian's Chromium (`apt-get install chromium`); `npx playwright install` does not work on these machines. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** How the end-to-end tests and the console benchmark start it. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
