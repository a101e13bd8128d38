import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { uptime, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLocked, acquireDataDirLock } from '../../hub/store/lock.ts';

describe('the data folder lock', () => {
  const dirs: string[] = [];
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-lock-'));
    dirs.push(dir);
    return dir;
  };
  const pidFile = (dir: string) => join(dir, 'baton-hub.pid');
  const bootedAt = () => Math.round(Date.now() / 1000 - uptime());
  // The test runner's parent is alive for the whole test and is not this process.
  const livePid = process.ppid;
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is held by one process: a live holder since this boot keeps others out; release frees it', () => {
    const dir = folder();
    const release = acquireDataDirLock(dir);
    expect(readFileSync(pidFile(dir), 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+$`));
    release();
    writeFileSync(pidFile(dir), `${livePid} ${bootedAt()}`);
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLocked);
    // A file written before the boot time was recorded: the live pid alone keeps it.
    writeFileSync(pidFile(dir), String(livePid));
    expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`in use by process ${livePid}`));
  });

  it('takes over a lock whose process is gone, or whose pid was written before the machine last booted', () => {
    const gone = folder();
    writeFileSync(pidFile(gone), `2147483646 ${bootedAt()}`);
    acquireDataDirLock(gone)();
    const rebooted = folder();
    // The pid is alive now, but it was recorded a day before this boot: some other process has it.
    writeFileSync(pidFile(rebooted), `${livePid} ${bootedAt() - 86_400}`);
    const release = acquireDataDirLock(rebooted);
    expect(readFileSync(pidFile(rebooted), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    release();
  });
});
