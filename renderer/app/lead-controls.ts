import { refusalOf, type Request } from '../client/request.ts';
import { applyProduct, productStore, replaceProducts } from '../state/product.ts';
import { applyAgents, applyTeam, teamStore } from '../state/team.ts';
import type { LeadControls } from '../ui/controls.ts';

/** A lead's requests; what the hub answers is shown at once, before the events that follow it. */
export function createLeadControls(request: Request): LeadControls {
  return {
    async reassign(handoffIds, to, note) {
      const ack = await request('handoffs:reassign', note ? { handoffIds, to, note } : { handoffIds, to });
      if (!ack.ok) return ack.error.message;
      if (ack.failures.length === 0) return null;
      return ack.failures.map((f) => f.error.message).join(' ');
    },

    async loadProducts() {
      const ack = await request('product:list', {});
      if (ack.ok) replaceProducts(ack.items);
      return refusalOf(ack);
    },

    getProduct: (productItemId) => request('product:get', { productItemId }),

    async setProductStatus(productItemId, status, note) {
      const ack = await request('product:setStatus', note ? { productItemId, status, note } : { productItemId, status });
      if (ack.ok && productStore.getState().items[ack.item.id]) applyProduct(ack.item);
      return refusalOf(ack);
    },

    loadMetrics: (query) => request('team:metrics', query),

    async setAgentPresence(agentId, status) {
      const ack = await request('agent:setPresence', { agentId, status });
      if (!ack.ok) return ack.error.message;
      // Shown at once; the hub's agents:changed follows with the rest of the board.
      const { agent } = ack;
      applyAgents(teamStore.getState().agents.map((a) => (a.id === agent.id ? { ...a, ...agent } : a)));
      return null;
    },

    async configureTeam(settings) {
      const ack = await request('team:configure', settings);
      if (!ack.ok) return ack.error;
      applyTeam(ack.team);
      applyAgents(ack.agents);
      return null;
    },
  };
}
