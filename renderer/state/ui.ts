import { useStore } from 'zustand';
import { signedInStore } from './signed-in.ts';

export type ActionForm = 'decline' | 'returnToBot' | 'routeToProduct';

export interface Ui {
  view: 'inbox' | 'settings';
  selectedId: string | null;
  /** In a narrow window the handoff replaces the inbox; this says it is showing. */
  detailOpen: boolean;
  /** The action form open for the selected handoff. */
  form: ActionForm | null;
  helpOpen: boolean;
}

export const uiStore = signedInStore<Ui>(() => ({ view: 'inbox', selectedId: null, detailOpen: false, form: null, helpOpen: false }));

export function useUi<T>(selector: (ui: Ui) => T): T {
  return useStore(uiStore, selector);
}

export function selectHandoffRow(id: string | null, open = false): void {
  uiStore.setState((s) => ({
    selectedId: id,
    detailOpen: open || (s.detailOpen && id !== null),
    form: id === s.selectedId ? s.form : null,
    view: 'inbox',
  }));
}

/** Moves the selection `delta` rows through `order` (the inbox in display order), stopping at the ends. */
export function moveSelection(delta: number, order: readonly string[]): void {
  if (order.length === 0) return;
  const { selectedId } = uiStore.getState();
  const index = selectedId === null ? -1 : order.indexOf(selectedId);
  const next = index < 0 ? (delta > 0 ? 0 : order.length - 1) : Math.min(order.length - 1, Math.max(0, index + delta));
  selectHandoffRow(order[next]!);
}

export function closeDetail(): void {
  uiStore.setState({ detailOpen: false, form: null });
}

export function openForm(form: ActionForm): void {
  uiStore.setState({ form });
}

export function closeForm(): void {
  uiStore.setState({ form: null });
}

export function setHelpOpen(helpOpen: boolean): void {
  uiStore.setState({ helpOpen });
}

export function showView(view: Ui['view']): void {
  uiStore.setState({ view, helpOpen: false });
}
