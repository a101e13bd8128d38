import { describe } from 'vitest';
import { findNginx } from './nginx.ts';

/** Runs tests only where an nginx is found (test/support/check-nginx.ts says why they were skipped). */
export const describeWithNginx = describe.runIf(findNginx() !== undefined);
