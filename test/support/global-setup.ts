import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { seedDemo } from '../../hub/demo/seed.ts';
import { openPglite } from '../../hub/store/db.ts';
import { migrate } from '../../hub/store/migrate.ts';
import { findChromium } from './chromium.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite folder with the demo accounts, copied by each test that starts a hub. */
    templateDataDir: string;
    /** The browser the end-to-end tests drive (found once here, so it is unpacked once), or null. */
    chromiumPath: string | null;
  }
}

// Creating a PGlite database takes seconds; copying a ready one takes milliseconds.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('chromiumPath', (await findChromium())?.executablePath ?? null);
  const root = await mkdtemp(join(tmpdir(), 'baton-template-'));
  const dir = join(root, 'data');
  const db = await openPglite(dir);
  await migrate(db);
  await seedDemo(db);
  await db.close();
  project.provide('templateDataDir', dir);
  return () => rm(root, { recursive: true, force: true });
}
