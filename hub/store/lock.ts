import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { join } from 'node:path';

/** Another live process holds the data folder. */
export class DataDirLocked extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When this machine started, in seconds since the epoch (to a second or two: it is derived from the uptime). */
const bootedAt = (): number => Math.round(Date.now() / 1000 - uptime());
/** Two readings of the boot time further apart than this are two boots. */
const SAME_BOOT_SECONDS = 60;

/**
 * PGlite is a single-process database: two processes on one folder would corrupt it. A pid file
 * keeps a second hub or an admin command out; a stale one (its process is gone) is taken over.
 * The file also says when the machine booted: after a restart of the machine the pid in it may
 * belong to some other process by now, and the lock is stale all the same.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'baton-hub.pid');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, `${process.pid} ${bootedAt()}`, { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const [pid, boot] = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
      // A file from before the boot time was written has none: its pid alone decides.
      const sameBoot = boot === undefined || Math.abs(boot - bootedAt()) <= SAME_BOOT_SECONDS;
      if (Number.isInteger(pid) && pid !== process.pid && sameBoot && alive(pid!)) {
        throw new DataDirLocked(`The data folder ${dataDir} is in use by process ${pid}; stop that hub first.`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new DataDirLocked(`Could not lock the data folder ${dataDir}.`);
}
