// Replays handoff_events as the store holds them and names every step the lifecycle forbids
// (docs/architecture.md "The handoff lifecycle and the one-owner rule"): an offer made while another is
// outstanding, an offer to two agents under push routing, an accept by someone who did not hold
// the offer, a second accept, a finish by someone who does not own it, an agent over capacity.
import type { HandoffEventType, HandoffStatus } from '../../shared/protocol/index.ts';
import type { Queryable } from '../../hub/store/db.ts';

export interface EventRow {
  id: string;
  handoff_id: string;
  type: HandoffEventType;
  actor_kind: string;
  actor_id: string;
  agent_ids: string[] | null;
}

interface Replayed {
  status: HandoffStatus;
  holders: string[];
  assignee: string | null;
}

export interface ReplayResult {
  /** Each handoff as its history says it ends up. */
  handoffs: Map<string, Replayed>;
  /** What broke the lifecycle, in words; empty when the histories are sound. */
  violations: string[];
  /** The most handoffs each agent held at once. */
  peakLoad: Map<string, number>;
}

/** Every event in commit order (the id is a bigserial and the hub applies one change at a time). */
export async function loadEvents(q: Queryable, where = 'true', params: unknown[] = []): Promise<EventRow[]> {
  const { rows } = await q.query<EventRow>(
    `select id::text, handoff_id, type, actor_kind, actor_id, agent_ids from handoff_events e where ${where} order by e.id`,
    params,
  );
  return rows;
}

export function replayHistories(events: readonly EventRow[], { push, capacity }: { push: boolean; capacity: number }): ReplayResult {
  const handoffs = new Map<string, Replayed>();
  const load = new Map<string, number>();
  const peakLoad = new Map<string, number>();
  const violations: string[] = [];
  const changeLoad = (agentId: string, by: number) => {
    const n = (load.get(agentId) ?? 0) + by;
    load.set(agentId, n);
    peakLoad.set(agentId, Math.max(peakLoad.get(agentId) ?? 0, n));
    if (n > capacity) violations.push(`${agentId} held ${n} handoffs at once (capacity ${capacity})`);
  };
  const histories = new Map<string, string[]>();
  const finishOwned = (h: Replayed) => {
    if (h.status === 'accepted' && h.assignee) changeLoad(h.assignee, -1);
  };

  for (const e of events) {
    const agentIds = e.agent_ids ?? [];
    const history = histories.get(e.handoff_id) ?? [];
    histories.set(e.handoff_id, history);
    history.push(`${e.id} ${e.type}${agentIds.length > 0 ? `[${agentIds.join(',')}]` : ''} by ${e.actor_id}`);
    const where = `handoff ${e.handoff_id} event ${e.id} (${e.type}) after ${history.slice(0, -1).join(' → ') || 'nothing'}`;
    const h = handoffs.get(e.handoff_id);
    if (!h) {
      if (e.type !== 'created') violations.push(`${where}: the history does not start with created`);
      handoffs.set(e.handoff_id, { status: 'queued', holders: [], assignee: null });
      continue;
    }
    switch (e.type) {
      case 'created':
        violations.push(`${where}: created twice`);
        break;
      case 'offered':
        if (h.status !== 'queued') violations.push(`${where}: offered to ${agentIds.join(', ')} while ${h.status} (holders: ${h.holders.join(', ') || 'none'})`);
        if (agentIds.length === 0) violations.push(`${where}: offered to nobody`);
        if (push && agentIds.length !== 1) violations.push(`${where}: a push offer to ${agentIds.length} agents`);
        Object.assign(h, { status: 'offered', holders: [...agentIds], assignee: null });
        break;
      case 'declined':
      case 'offer_expired':
      case 'offer_withdrawn': {
        const stray = agentIds.filter((id) => !h.holders.includes(id));
        if (h.status !== 'offered' || stray.length > 0) violations.push(`${where}: ends an offer ${stray.join(', ')} did not hold`);
        h.holders = h.holders.filter((id) => !agentIds.includes(id));
        if (h.holders.length === 0) h.status = 'queued';
        break;
      }
      case 'accepted':
        if (h.status !== 'offered' || !h.holders.includes(e.actor_id)) {
          violations.push(`${where}: accepted by ${e.actor_id} while ${h.status} (holders: ${h.holders.join(', ') || 'none'}, assignee: ${h.assignee ?? 'none'})`);
        }
        Object.assign(h, { status: 'accepted', holders: [], assignee: e.actor_id });
        changeLoad(e.actor_id, 1);
        break;
      case 'returned_to_bot':
      case 'routed_to_product':
      case 'resolved':
        if (h.status !== 'accepted' || h.assignee !== e.actor_id) violations.push(`${where}: finished by ${e.actor_id} while ${h.status} (assignee: ${h.assignee ?? 'none'})`);
        finishOwned(h);
        h.status = e.type;
        break;
      case 'reassigned':
        if (!['queued', 'offered', 'accepted'].includes(h.status)) violations.push(`${where}: reassigned while ${h.status}`);
        finishOwned(h);
        if (agentIds[0]) {
          Object.assign(h, { status: 'accepted', holders: [], assignee: agentIds[0] });
          changeLoad(agentIds[0], 1);
        } else Object.assign(h, { status: 'queued', holders: [], assignee: null });
        break;
      case 'cancelled':
        if (!['queued', 'offered', 'accepted'].includes(h.status)) violations.push(`${where}: cancelled while ${h.status}`);
        finishOwned(h);
        Object.assign(h, { status: 'cancelled', holders: [] });
        break;
    }
  }
  return { handoffs, violations, peakLoad };
}
