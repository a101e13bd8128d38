import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in `<repo>/test/support/`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared folder (DESIGN.md, fixtures/): always checked out beside the repository. */
export const SHARED_DIR = path.resolve(REPO_ROOT, '../shared');

/** Reads and parses a JSON file under `shared/fixtures/`, e.g. `readFixture('packets/invalid-cases.json')`. */
export function readFixture<T = unknown>(relPath: string): T {
  return JSON.parse(readFileSync(path.join(SHARED_DIR, 'fixtures', relPath), 'utf8')) as T;
}

/** A bad body from `packets/invalid-cases.json`: `field` is the dotted path the 400 must name. */
export interface InvalidPacketCase {
  name: string;
  body: unknown;
  field: string;
}

export function invalidPacketCases(): InvalidPacketCase[] {
  return readFixture<InvalidPacketCase[]>('packets/invalid-cases.json');
}

/** Every valid packet in `shared/fixtures/packets/` (all `*.json` but `invalid-cases.json`), sorted by name. */
export function packetFixtures(): Array<{ name: string; packet: unknown }> {
  return readdirSync(path.join(SHARED_DIR, 'fixtures', 'packets'))
    .filter((file) => file.endsWith('.json') && file !== 'invalid-cases.json')
    .sort()
    .map((file) => ({ name: path.basename(file, '.json'), packet: readFixture(`packets/${file}`) }));
}
