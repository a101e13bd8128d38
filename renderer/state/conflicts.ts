import { useStore } from 'zustand';
import type { Handoff } from '../../shared/protocol/handoff.ts';
import type { CommandError, ErrorCode } from '../../shared/protocol/socket.ts';
import type { QueuedCommand } from './pending.ts';
import { signedInStore } from './signed-in.ts';

/** Something the hub refused, in words the agent can act on. */
export interface ConflictMessage {
  id: number;
  text: string;
  handoffId: string | null;
}

export interface Conflicts {
  messages: ConflictMessage[];
}

export const conflictsStore = signedInStore<Conflicts>(() => ({ messages: [] }));

export function useConflicts<T>(selector: (state: Conflicts) => T): T {
  return useStore(conflictsStore, selector);
}

let nextId = 1;
const MAX_MESSAGES = 5;

export function addConflict(text: string, handoffId: string | null = null): void {
  const message = { id: nextId++, text, handoffId };
  conflictsStore.setState((s) => ({ messages: [...s.messages, message].slice(-MAX_MESSAGES) }));
}

export function dismissConflict(id: number): void {
  conflictsStore.setState((s) => ({ messages: s.messages.filter((m) => m.id !== id) }));
}

const DOING: Record<QueuedCommand, string> = {
  'handoff:accept': 'accept',
  'handoff:decline': 'decline',
  'handoff:returnToBot': 'return to the bot',
  'handoff:routeToProduct': 'route to product',
  'handoff:resolve': 'resolve',
};

// When the hub's message would not help a person (or is missing), say it plainly instead.
const PLAIN: Partial<Record<ErrorCode, string>> = {
  offer_expired: 'The offer expired.',
  taken: 'Another agent already has it.',
  invalid_state: 'It is already finished.',
  forbidden: 'It is not yours any more; a lead may have reassigned it.',
  not_found: 'The hub no longer has it.',
  not_offered: 'It was not offered to you.',
  agent_unavailable: 'You are at capacity; finish a handoff first.',
  unauthorized: 'The hub no longer knows your account; sign in again.',
  op_conflict: 'The hub saw this action twice with different details; take it again.',
  internal: 'The hub failed to handle it; try again.',
  timeout: 'The hub did not answer.',
};
const TECHNICAL: ReadonlySet<ErrorCode> = new Set(['internal', 'invalid_command', 'op_conflict', 'timeout']);

function who(handoff: Handoff | undefined): string {
  const name = handoff?.packet.customer?.name;
  return name ? `${name}’s handoff` : 'this handoff';
}

function ensureStop(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** "Could not accept Dana Whitfield’s handoff: Your offer for this handoff ended; it went to Ben." */
export function describeRefusal(command: QueuedCommand, error: CommandError, handoff?: Handoff): string {
  const lead = `Could not ${DOING[command]} ${who(handoff)}`;
  if (error.code === 'invalid_command') {
    const fields = error.issues?.map((i) => `${i.path || 'the form'} ${i.message}`).join('; ');
    return `${lead}: check the form${fields ? ` (${fields})` : ''}.`;
  }
  const reason = !TECHNICAL.has(error.code) && error.message.trim() !== '' ? error.message.trim() : (PLAIN[error.code] ?? 'The hub refused it.');
  return `${lead}: ${ensureStop(reason)}`;
}
