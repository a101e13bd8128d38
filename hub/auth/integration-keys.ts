import type { Queryable } from '../store/db.ts';
import { hashSecret } from './secrets.ts';

/** A bot's integration as its key signs it in. None of these columns is ever changed. */
export interface Integration {
  id: string;
  name: string;
  default_team: string;
}

/** How long a key found once is trusted without asking the store again. */
const REMEMBER_MS = 60_000;
/** More keys than any hub has integrations; past it the oldest are forgotten. */
const MAX_REMEMBERED = 1_000;

/**
 * Integration keys to integrations. Every bot request signs in with its key, and the lookup was a
 * store round trip of its own (the first after the hub sat idle, so the slowest of the request).
 * Only what never changes is kept (the callback URL is read with the handoff it is for), and only
 * for a minute, so a key removed by hand from a shared PostgreSQL stops working soon after.
 * Unknown keys are not remembered: a stranger's guesses cannot fill the memory.
 */
export class IntegrationKeys {
  private readonly known = new Map<string, { integration: Integration; until: number }>();

  constructor(
    private readonly db: Queryable,
    private readonly now: () => number = Date.now,
  ) {}

  async find(key: string): Promise<Integration | undefined> {
    const hash = hashSecret(key);
    const remembered = this.known.get(hash);
    if (remembered && remembered.until > this.now()) return remembered.integration;
    const { rows } = await this.db.query<Integration>('select id, name, default_team from integrations where key_hash = $1', [hash]);
    const integration = rows[0];
    this.known.delete(hash);
    if (integration) {
      if (this.known.size >= MAX_REMEMBERED) this.known.delete(this.known.keys().next().value!);
      this.known.set(hash, { integration, until: this.now() + REMEMBER_MS });
    }
    return integration;
  }
}
