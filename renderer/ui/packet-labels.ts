import type { HandoffStatus, WithdrawReason } from '../../shared/protocol/handoff.ts';
import type { Channel, ContextPacket, Priority, Speaker, TriggerReason } from '../../shared/protocol/packet.ts';
import type { Outcome } from '../state/handoffs.ts';

// The product's words for the protocol's values: one place, so the inbox, the packet view and
// notifications say the same thing.

export const REASON_LABEL: Record<TriggerReason, string> = {
  complexity: 'Complexity',
  emotional_state: 'Emotional state',
  scope_limitation: 'Outside the bot’s scope',
  feature_request: 'Feature request',
  bug_report: 'Bug report',
  customer_request: 'Customer asked for a person',
  other: 'Other',
};

export const CHANNEL_LABEL: Record<Channel, string> = {
  chat: 'Chat',
  voice: 'Voice',
  email: 'Email',
  sms: 'SMS',
  social: 'Social',
  other: 'Other channel',
};

export const PRIORITY_LABEL: Record<Priority, string> = {
  urgent: 'Urgent',
  high: 'High',
  normal: 'Normal',
  low: 'Low',
};

export const SPEAKER_LABEL: Record<Speaker, string> = {
  customer: 'Customer',
  bot: 'Bot',
  agent: 'Agent',
  system: 'System',
};

export const STATUS_LABEL: Record<HandoffStatus, string> = {
  queued: 'Waiting in the queue',
  offered: 'Offered',
  accepted: 'Accepted',
  returned_to_bot: 'Given back to the bot',
  routed_to_product: 'Sent to the product team',
  resolved: 'Resolved',
  cancelled: 'Taken back by the bot',
};

const PLATFORM_LABEL: Record<string, string> = {
  sunshine: 'Sunshine Conversations',
  chatwoot: 'Chatwoot',
  botframework: 'Bot Framework',
};

/** The platform's name for people: `chatwoot` is Chatwoot; one Baton does not know stays as sent. */
export function platformLabel(platform: string): string {
  return Object.hasOwn(PLATFORM_LABEL, platform) ? PLATFORM_LABEL[platform]! : platform;
}

const WITHDRAWN_LABEL: Record<WithdrawReason, string> = {
  timed_out: 'Offer timed out',
  taken: 'Another agent took it',
  reassigned: 'A lead moved it',
  cancelled: 'The bot cancelled it',
  unavailable: 'Moved on while you were away',
};

export function outcomeLabel(outcome: Outcome): string {
  if (outcome.kind === 'withdrawn') return WITHDRAWN_LABEL[outcome.reason];
  if (outcome.kind === 'moved') return 'No longer yours';
  switch (outcome.status) {
    case 'returned_to_bot':
      return 'Back with the bot';
    case 'routed_to_product':
      return 'Sent to the product team';
    case 'resolved':
      return 'Done';
    case 'cancelled':
      return 'The bot cancelled it';
  }
}

/** Who the row is about: the customer's name, else their email or id. */
export function customerLabel(packet: ContextPacket): string {
  const c = packet.customer;
  return c?.name ?? c?.email ?? c?.id ?? 'Unknown customer';
}

/** "just now", "4 min", "2 h", "3 d": how long ago, as a row shows it. */
export function ageLabel(fromIso: string, nowMs: number): string {
  const seconds = Math.max(0, Math.floor((nowMs - Date.parse(fromIso)) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** "just now", "4 min ago": for sentences. */
export function sinceLabel(fromIso: string, nowMs: number): string {
  const age = ageLabel(fromIso, nowMs);
  return age === 'just now' ? age : `${age} ago`;
}

/** "45 s left", "1:05 left", "Expired". */
export function timeLeftLabel(msLeft: number): string {
  const seconds = Math.ceil(msLeft / 1000);
  if (seconds <= 0) return 'Expired';
  if (seconds < 60) return `${seconds} s left`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} left`;
}

export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

export function sentimentLabel(score: number): string {
  if (score <= -0.5) return 'Very negative';
  if (score < -0.1) return 'Negative';
  if (score <= 0.1) return 'Neutral';
  if (score < 0.5) return 'Positive';
  return 'Very positive';
}
