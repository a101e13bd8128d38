import type { Request } from '../client/request.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { Outbox } from '../state/outbox.ts';
import type { AgentControls } from '../ui/controls.ts';

/** An agent's actions go out through the outbox (sent once, kept until the hub answers); an answered offer's notification closes. */
export function createAgentControls({ outbox, notifier, request }: { outbox: Outbox; notifier: Notifier; request: Request }): AgentControls {
  return {
    accept(handoffId) {
      notifier.settled(handoffId);
      outbox.take('handoff:accept', { handoffId });
    },
    decline(handoffId, reason) {
      notifier.settled(handoffId);
      outbox.take('handoff:decline', { handoffId, reason });
    },
    returnToBot: (handoffId, note) => void outbox.take('handoff:returnToBot', { handoffId, note }),
    routeToProduct: (handoffId, route) => void outbox.take('handoff:routeToProduct', { handoffId, ...route }),
    resolve: (handoffId) => void outbox.take('handoff:resolve', { handoffId }),

    async suggestProducts(query) {
      if (query.title.trim() === '') return [];
      const ack = await request('product:suggest', { query });
      return ack.ok ? ack.suggestions : [];
    },
  };
}
