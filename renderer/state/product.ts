import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ProductKind } from '../../shared/protocol/handoff.ts';
import type { ProductItem, ProductStatus } from '../../shared/protocol/product.ts';
import { signedInStore } from './signed-in.ts';

export interface ProductFilters {
  kind: ProductKind | null;
  status: ProductStatus | null;
}

/** The lead's product inbox: the team's items by id, as last listed or changed. */
export interface ProductState {
  items: Record<string, ProductItem>;
  filters: ProductFilters;
  loaded: boolean;
}

export const productStore = signedInStore<ProductState>(() => ({ items: {}, filters: { kind: null, status: null }, loaded: false }));

export function useProducts<T>(selector: (state: ProductState) => T): T {
  return useStore(productStore, useShallow(selector));
}

export function replaceProducts(items: readonly ProductItem[]): void {
  productStore.setState({ items: Object.fromEntries(items.map((i) => [i.id, i])), loaded: true });
}

/** An item changed (`product:changed`, or a status change's ack). */
export function applyProduct(item: ProductItem): void {
  productStore.setState((s) => ({ items: { ...s.items, [item.id]: item } }));
}

export function setProductFilters(filters: Partial<ProductFilters>): void {
  productStore.setState((s) => ({ filters: { ...s.filters, ...filters } }));
}

/** The items the filters let through: most customers first, then the newest. */
export const selectProductItems = (s: ProductState): ProductItem[] =>
  Object.values(s.items)
    .filter((i) => (s.filters.kind === null || i.kind === s.filters.kind) && (s.filters.status === null || i.status === s.filters.status))
    .sort((a, b) => b.customerCount - a.customerCount || b.updatedAt.localeCompare(a.updatedAt));
