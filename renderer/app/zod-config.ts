import { z } from 'zod';

// Zod compiles fast object parsers with `new Function` unless told not to, and probes for it when a
// schema is made: under the console's CSP (no 'unsafe-eval') that probe is refused and reported as
// a Content-Security-Policy violation on every load. Imported first by main.tsx, before any schema.
z.config({ jitless: true });
