import type { ActionName } from '../actions/available.ts';

/** What a key press asks for. */
export type Shortcut =
  | { kind: 'action'; action: ActionName }
  | { kind: 'move'; delta: 1 | -1 }
  | { kind: 'open' }
  | { kind: 'openConversation' }
  | { kind: 'settings' }
  | { kind: 'help' }
  | { kind: 'back' };

/** The keyboard map, as the help dialog lists it. */
export const SHORTCUTS: ReadonlyArray<{ keys: string; does: string; shortcut: Shortcut }> = [
  { keys: 'j', does: 'Next handoff', shortcut: { kind: 'move', delta: 1 } },
  { keys: 'k', does: 'Previous handoff', shortcut: { kind: 'move', delta: -1 } },
  { keys: 'Enter', does: 'Open the selected handoff', shortcut: { kind: 'open' } },
  { keys: 'a', does: 'Accept the offer', shortcut: { kind: 'action', action: 'accept' } },
  { keys: 'd', does: 'Decline the offer (choose a reason)', shortcut: { kind: 'action', action: 'decline' } },
  { keys: 'r', does: 'Return to bot (with a note)', shortcut: { kind: 'action', action: 'returnToBot' } },
  { keys: 'p', does: 'Route to product', shortcut: { kind: 'action', action: 'routeToProduct' } },
  { keys: 's', does: 'Resolve', shortcut: { kind: 'action', action: 'resolve' } },
  { keys: 'o', does: 'Open the conversation in its own tool', shortcut: { kind: 'openConversation' } },
  { keys: ',', does: 'Settings', shortcut: { kind: 'settings' } },
  { keys: '?', does: 'Show these shortcuts', shortcut: { kind: 'help' } },
  { keys: 'Esc', does: 'Close the form or dialog; back to the inbox', shortcut: { kind: 'back' } },
];

const BY_KEY = new Map<string, Shortcut>(SHORTCUTS.map(({ keys, shortcut }) => [keys === 'Esc' ? 'Escape' : keys, shortcut]));

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  isComposing?: boolean;
  target: EventTarget | null;
}

/** Fields, buttons and links keep their own keys (typing "d" in a note must stay a "d"). */
function ownsKeys(target: EventTarget | null, key: string): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const element = target as HTMLElement;
  if (element.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return true;
  // Enter on a button, link or inbox row presses it.
  return key === 'Enter' && element.closest('button, a[href], summary, [role="option"]') !== null;
}

/** The shortcut for a key press, or null when the key is not ours to take. */
export function shortcutFor(press: KeyPress): Shortcut | null {
  if (press.ctrlKey || press.metaKey || press.altKey || press.isComposing) return null;
  if (ownsKeys(press.target, press.key)) return null;
  return BY_KEY.get(press.key) ?? null;
}
