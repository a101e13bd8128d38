import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in `<repo>/test/support/`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Sample payloads the tests and benchmarks use (`test/fixtures/README.md` says what each is). */
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures');

/** Reads and parses a JSON file under `test/fixtures/`, e.g. `readFixture('packets/invalid-cases.json')`. */
export function readFixture<T = unknown>(relPath: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, relPath), 'utf8')) as T;
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

/** Every valid packet in `test/fixtures/packets/` (all `*.json` but `invalid-cases.json`), sorted by name. */
export function packetFixtures(): Array<{ name: string; packet: unknown }> {
  return readdirSync(path.join(FIXTURES_DIR, 'packets'))
    .filter((file) => file.endsWith('.json') && file !== 'invalid-cases.json')
    .sort()
    .map((file) => ({ name: path.basename(file, '.json'), packet: readFixture(`packets/${file}`) }));
}
