import { describe, expect, it } from 'vitest';
import { IntegrationKeys, type Integration } from '../../hub/auth/integration-keys.ts';
import { hashSecret } from '../../hub/auth/secrets.ts';
import type { Queryable } from '../../hub/store/db.ts';

const BOT: Integration = { id: 'int-1', name: 'support-bot', default_team: 'billing' };

/** A store holding one integration under each of `keys`, counting how often it is asked. */
function store(...keys: string[]) {
  const asked: unknown[][] = [];
  const rows = new Map(keys.map((key) => [hashSecret(key), BOT]));
  const db: Queryable = {
    async query<Row>(_text: string, params?: unknown[]) {
      asked.push(params ?? []);
      const found = rows.get(String(params?.[0]));
      return { rows: (found ? [found] : []) as Row[] };
    },
  };
  return { db, asked, forget: () => rows.clear() };
}

describe('integration keys', () => {
  it('finds an integration by its key and asks the store only once within a minute', async () => {
    const { db, asked } = store('key-a');
    let now = 1_000_000;
    const keys = new IntegrationKeys(db, () => now);
    expect(await keys.find('key-a')).toEqual(BOT);
    now += 59_000;
    expect(await keys.find('key-a')).toEqual(BOT);
    expect(asked).toEqual([[hashSecret('key-a')]]);
  });

  it('asks again after a minute, and stops accepting a key the store no longer has', async () => {
    const { db, asked, forget } = store('key-a');
    let now = 1_000_000;
    const keys = new IntegrationKeys(db, () => now);
    await keys.find('key-a');
    forget();
    now += 60_001;
    expect(await keys.find('key-a')).toBeUndefined();
    expect(await keys.find('key-a')).toBeUndefined();
    expect(asked).toHaveLength(3);
  });

  it('keeps at most 1,000 keys, forgetting the one found longest ago', async () => {
    const keys = Array.from({ length: 1_001 }, (_, i) => `key-${i}`);
    const { db, asked } = store(...keys);
    const known = new IntegrationKeys(db);
    for (const key of keys) await known.find(key);
    expect(asked).toHaveLength(1_001);
    await known.find('key-1000');
    await known.find('key-1');
    expect(asked).toHaveLength(1_001);
    await known.find('key-0');
    expect(asked).toHaveLength(1_002);
  });

  it('does not remember unknown keys: every guess is looked up', async () => {
    const { db, asked } = store('key-a');
    const keys = new IntegrationKeys(db);
    expect(await keys.find('guess-1')).toBeUndefined();
    expect(await keys.find('guess-1')).toBeUndefined();
    expect(asked).toHaveLength(2);
  });
});
