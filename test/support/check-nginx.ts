// `npm test` runs this first: the reverse-proxy tests start Debian's nginx, and one sentence that
// says how to get it beats a failing file at the end of a ten-minute run.
import { findNginx, NO_NGINX } from './nginx.ts';

try {
  const found = findNginx();
  if (!found) throw new Error(NO_NGINX);
  console.log(`Reverse-proxy tests run ${found}.`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
