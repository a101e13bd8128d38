import { useStore } from 'zustand';
import type { ProductItem, ProductStatusChange } from '../../shared/protocol/product.ts';
import type { ServerEventPayload } from '../../shared/protocol/socket.ts';
import type { Me } from './handoffs.ts';
import { signedInStore } from './signed-in.ts';

/** "Bug report 'Export fails on Safari' is now In progress": a status change of an item the agent routed. */
export interface ProductStatusNotice {
  /** The item as the change left it. */
  item: ProductItem;
  change: ProductStatusChange;
  /** The agent's newest handoff routed to the item (what "Open" shows); null when the hub did not say. */
  handoffId: string | null;
}

/** By item id: one banner per item, the newest change replacing the last. */
export const productNoticesStore = signedInStore<Record<string, ProductStatusNotice>>(
  () => ({}),
  () => told.clear(),
);

// Changes already told, so a change heard twice (another connection, a repeat) is told once.
const told = new Set<string>();

export function useProductNotices(): Record<string, ProductStatusNotice> {
  return useStore(productNoticesStore);
}

/**
 * Takes in a `product:changed` for this agent. Only a status change (`change`) of an item they
 * routed is news to them, once per change: returns it then, and null for filings, new handoffs,
 * issues in a product tool, repeats, and for leads (their product inbox shows it).
 */
export function applyProductChange({ item, change, handoffIds }: ServerEventPayload<'product:changed'>, me: Me | null): ProductStatusNotice | null {
  if (!change || !me || me.role === 'lead') return null;
  const key = `${item.id}\n${change.from}\n${change.to}\n${item.updatedAt}`;
  if (told.has(key)) return null;
  told.add(key);
  const notice: ProductStatusNotice = { item, change, handoffId: handoffIds?.at(-1) ?? null };
  productNoticesStore.setState({ [item.id]: notice });
  return notice;
}

export function dismissProductNotice(itemId: string): void {
  const { [itemId]: _gone, ...rest } = productNoticesStore.getState();
  productNoticesStore.setState(rest, true);
}
