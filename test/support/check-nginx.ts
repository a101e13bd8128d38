// `npm test` runs this first. The reverse-proxy tests start Debian's nginx; without it they are
// skipped, and this says so in one sentence, on a machine with nothing beside the clone. Under CI
// (which installs nginx) a missing nginx stops the run instead, so it is never skipped unseen there.
import { findNginx, NO_NGINX } from './nginx.ts';

try {
  const found = findNginx();
  if (found) console.log(`Reverse-proxy tests run ${found}.`);
  else if (process.env.CI) throw new Error(NO_NGINX);
  else console.log(`${NO_NGINX} Until then those tests are skipped.`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
