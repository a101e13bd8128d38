import { z } from 'zod';

// The preload shares the console's Content-Security-Policy (no 'unsafe-eval'). Zod probes for
// `new Function` when a schema is made, which the CSP reports as a violation; jitless skips it.
// Imported first by preload/index.ts, before the bridge map makes its schemas.
z.config({ jitless: true });
