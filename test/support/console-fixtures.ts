import type { AgentView } from '../../shared/protocol/agent.ts';
import type { Handoff } from '../../shared/protocol/handoff.ts';
import type { ContextPacket } from '../../shared/protocol/packet.ts';
import type { ProductItem } from '../../shared/protocol/product.ts';

export const ana: AgentView = { id: 'ana', name: 'Ana Ruiz', role: 'agent', team: 'support', skills: ['billing'], capacity: 3, presence: 'available', load: 0 };
export const ben: AgentView = { ...ana, id: 'ben', name: 'Ben Okafor' };

/** A packet with every part filled in. */
export const FULL_PACKET: ContextPacket = {
  summary: 'Customer was charged twice for the March invoice and wants the duplicate refunded.',
  trigger: { reason: 'scope_limitation', detail: 'Refunds need an agent with billing access' },
  intent: { name: 'billing.refund_request', confidence: 0.91 },
  sentiment: { score: -0.4, frustration: 0.55 },
  customer: { id: 'cus_8812', name: 'Dana Whitfield', email: 'dana@example.com', tier: 'pro', locale: 'en-GB', authenticated: true },
  channel: 'chat',
  coreIssue: 'Duplicate charge on invoice INV-2203.',
  botAttempts: [{ step: 'self_service_refund', outcome: 'not allowed for card payments' }],
  priority: 'high',
  skills: ['billing'],
  language: 'en',
  transcript: [
    { from: 'customer', text: 'Hi, I was charged twice this month.', at: '2026-11-20T09:14:02Z' },
    { from: 'bot', text: 'A refund needs a billing specialist, let me bring one in.', at: '2026-11-20T09:14:35Z' },
  ],
  source: { platform: 'zendesk', conversationId: 'conv-10442', conversationUrl: 'https://helpdesk.example.com/conversations/10442' },
  metadata: { plan: 'pro-annual', mrr: 49 },
};

let serial = 0;

/** A handoff; `offerFor`/`acceptedBy` set status, offer and assignee consistently. */
export function makeHandoff(
  options: { id?: string; packet?: Partial<ContextPacket>; offerFor?: string; expiresInMs?: number; acceptedBy?: AgentView; createdAt?: string; now?: number } = {},
): Handoff {
  const now = options.now ?? Date.now();
  const id = options.id ?? `h${++serial}`;
  const createdAt = options.createdAt ?? new Date(now - 120_000).toISOString();
  const packet = { ...FULL_PACKET, ...options.packet };
  const base: Handoff = { id, status: 'queued', packet, team: 'support', assignee: null, offer: null, createdAt, updatedAt: createdAt };
  if (options.offerFor) {
    return { ...base, status: 'offered', offer: { id: `offer-${id}`, agentIds: [options.offerFor], expiresAt: new Date(now + (options.expiresInMs ?? 45_000)).toISOString() } };
  }
  if (options.acceptedBy) return { ...base, status: 'accepted', assignee: { id: options.acceptedBy.id, name: options.acceptedBy.name } };
  return base;
}

/** A product item Ana filed, new, one customer and one handoff; `fields` override. */
export function makeProductItem(fields: Partial<ProductItem> = {}): ProductItem {
  const at = '2026-11-20T09:00:00.000Z';
  return {
    id: 'p1',
    team: 'support',
    kind: 'feature_request',
    title: 'Export reports as CSV',
    details: 'details',
    severity: null,
    stepsToReproduce: null,
    expected: null,
    actual: null,
    status: 'new',
    statusNote: null,
    customerCount: 1,
    handoffCount: 1,
    external: [],
    createdBy: { id: ana.id, name: ana.name },
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
}
