import type { ProductKind } from '../../shared/protocol/handoff.ts';
import type { ContextPacket, Priority } from '../../shared/protocol/packet.ts';
import type { SEVERITIES } from '../../shared/protocol/socket.ts';
import { REASON_LABEL } from '../ui/packet-labels.ts';

export type Severity = (typeof SEVERITIES)[number];

export interface RouteDraft {
  kind: ProductKind;
  title: string;
  details: string;
  severity: Severity;
}

const TITLE_MAX = 200;
const DETAILS_MAX = 20_000;

const SEVERITY_FOR: Record<Priority, Severity> = { urgent: 'critical', high: 'high', normal: 'medium', low: 'low' };

/** The first sentence or line, shortened at a word with a visible ellipsis when it is too long. */
function titleFrom(text: string): string {
  const first = text.split(/\n|(?<=[.!?])\s/)[0]!.trim();
  if (first.length <= TITLE_MAX) return first;
  const cut = first.slice(0, TITLE_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > TITLE_MAX / 2 ? cut.slice(0, space) : cut}…`;
}

const SHORTENED = '\n… (shortened to fit; the full packet is in the conversation)';

function fit(text: string): string {
  return text.length <= DETAILS_MAX ? text : `${text.slice(0, DETAILS_MAX - SHORTENED.length)}${SHORTENED}`;
}

/** The product team's form, filled in from the packet; the agent edits it before sending. */
export function routeDraft(packet: ContextPacket): RouteDraft {
  const kind: ProductKind = packet.trigger.reason === 'bug_report' ? 'bug_report' : 'feature_request';
  const c = packet.customer;
  const customer = [c?.name, c?.id && `(${c.id})`, c?.tier && `tier ${c.tier}`, c?.locale && `locale ${c.locale}`].filter(Boolean).join(' ');
  const head = [
    `Summary: ${packet.summary}`,
    packet.coreIssue && `Core issue: ${packet.coreIssue}`,
    `Why the bot handed off: ${REASON_LABEL[packet.trigger.reason]}${packet.trigger.detail ? ` — ${packet.trigger.detail}` : ''}`,
    packet.intent && `Intent: ${packet.intent.name}`,
    customer && `Customer: ${customer}`,
    packet.source?.conversationUrl && `Conversation: ${packet.source.conversationUrl}`,
  ].filter(Boolean) as string[];
  const said = (packet.transcript ?? []).filter((t) => t.from === 'customer' && t.text.trim() !== '').map((t) => `- ${t.text}`);

  let details = head.join('\n');
  if (said.length > 0) {
    const quoted = `${details}\n\nThe customer said:\n${said.join('\n')}`;
    // Said out loud rather than cut silently: the full conversation is a click away.
    details = quoted.length <= DETAILS_MAX ? quoted : `${details}\n\n(The customer's words are too long to quote here; see the conversation.)`;
  }
  return {
    kind,
    title: titleFrom(packet.coreIssue?.trim() || packet.summary),
    details: fit(details),
    severity: SEVERITY_FOR[packet.priority ?? 'normal'],
  };
}
