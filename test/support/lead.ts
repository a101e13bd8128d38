// Helpers shared by the lead board's integration tests (test/integration/lead-*.test.ts).
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createAgent, upsertTeam } from '../../hub/admin/accounts.ts';
import type { TestHubClient } from './hub-client.ts';
import type { AckOf, CommandName, Handoff, HandoffEvent, TeamAgentView, TeamView } from '../../shared/protocol/index.ts';
import type { TestHub } from './hub.ts';
import { VALID_BASE_PACKET } from './malformed-packets.ts';

/** A clock the hub reads (`startTestHub({ now: clock.now })`) and the test moves. */
export class Clock {
  ms: number;
  constructor(start: string) {
    this.ms = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.ms);
  /** Moves the clock to `seconds` after `origin` (an ISO time). */
  set(origin: string, seconds: number): void {
    this.ms = Date.parse(origin) + seconds * 1000;
  }
  iso(): string {
    return new Date(this.ms).toISOString();
  }
}

export interface Person {
  id: string;
  name: string;
  token: string;
}

/** Makes teams and people on a test hub; each call gets names no other test uses. */
export function teamKit(hub: () => TestHub, prefix: string) {
  let teams = 0;
  return {
    async team(settings: { routing?: 'push' | 'broadcast'; offerTimeoutSeconds?: number } = {}): Promise<string> {
      const name = `${prefix}-${++teams}`;
      await upsertTeam(hub().hub.db, { name, ...settings });
      return name;
    },
    async person(team: string, name: string, fields: { role?: 'agent' | 'lead'; skills?: string[]; capacity?: number } = {}): Promise<Person> {
      const id = `${team}-${name.toLowerCase()}`;
      const { token } = await createAgent(hub().hub.db, { id, name, team, ...fields });
      return { id, name, token };
    },
  };
}

/** A handoff from the demo bot into `team`; `summary` is made unique so waits can match it. */
export async function post(t: TestHub, team: string, fields: Record<string, unknown> = {}, key?: string): Promise<Handoff> {
  const { summary = 'handoff', ...rest } = fields;
  const body = { ...VALID_BASE_PACKET, team, ...rest, summary: `${String(summary)} (${randomUUID()})` };
  const response = await t.request('POST', '/v1/handoffs', { body, ...(key && { key }) });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.handoff as Handoff;
}

/** The handoff's history as the bot reads it. */
export async function history(t: TestHub, id: string, key?: string): Promise<Handoff & { events: HandoffEvent[] }> {
  const response = await t.request('GET', `/v1/handoffs/${id}`, key ? { key } : {});
  expect(response.status).toBe(200);
  return response.body.handoff;
}

export function ok<C extends CommandName>(ack: AckOf<C>): Exclude<AckOf<C>, { ok: false }> {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack as Exclude<AckOf<C>, { ok: false }>;
}

export function refusal(ack: { ok: boolean; error?: { code: string; message: string; issues?: Array<{ path: string; message: string }> } }) {
  if (ack.ok || !ack.error) throw new Error(`expected a refusal, got ${JSON.stringify(ack)}`);
  return ack.error;
}

/**
 * What a lead's board knows, kept up to date from the hub's events: the open handoffs of the
 * team (snapshot, then `handoff:changed`), the team's settings and its agents.
 */
export class Board {
  readonly handoffs = new Map<string, Handoff>();
  team: TeamView | null = null;
  agents: TeamAgentView[] = [];

  constructor(readonly client: TestHubClient) {
    client.on('handoffs:snapshot', ({ handoffs }) => {
      this.handoffs.clear();
      for (const h of handoffs) this.handoffs.set(h.id, h);
    });
    client.on('handoff:changed', ({ handoff }) => {
      if (['queued', 'offered', 'accepted'].includes(handoff.status)) this.handoffs.set(handoff.id, handoff);
      else this.handoffs.delete(handoff.id);
    });
    client.on('team:changed', ({ team }) => (this.team = team));
    client.on('agents:changed', ({ agents }) => (this.agents = agents));
  }

  agent(id: string): TeamAgentView {
    const agent = this.agents.find((a) => a.id === id);
    if (!agent) throw new Error(`no agent ${id} on the board`);
    return agent;
  }
}
