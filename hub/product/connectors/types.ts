// What every connector implements, and the text of an issue and a comment, written once and
// rendered as Markdown (GitHub, Linear) or Atlassian Document Format (Jira).
import type { IncomingHttpHeaders } from 'node:http';
import type { ConnectorKind, ConnectorLink, ProductItem, ProductStatus } from '../../../shared/protocol/index.ts';
import type { SecretScrubber } from './redact.ts';
import type { OutboxRequest } from '../../outbox/deliverer.ts';
import type { ConnectorSettings } from './config.ts';

/** A row of connector_outbox's body: the item and the link as they stood at the change. */
export interface ConnectorMessage {
  productItem: ProductItem;
  link: ConnectorLink;
}

export interface ExternalIssue {
  externalId: string;
  key: string | null;
  url: string | null;
}

/** One request to build: a new item's issue, or a comment on the issue an earlier request created. */
export interface ConnectorDelivery<K extends ConnectorKind> {
  /** The outbox row's id (the generic webhook's `id`). */
  id: string;
  action: 'create' | 'comment';
  settings: ConnectorSettings[K];
  token: string;
  message: ConnectorMessage;
  /** The issue to comment on (set for `comment`). */
  issue: ExternalIssue | null;
  now: Date;
}

/** What a 2xx answer meant: the issue a `create` made (when the service said), or why it was not a success after all. */
export type ConnectorAnswer = { ok: true; issue?: ExternalIssue } | { ok: false; error: string };

/** A status change a product tool reported, and which item's issue it concerns. */
export interface IncomingStatus {
  /** The issue, as the connector recorded it (`externalId`, or its `key`), or Baton's item id (generic webhook). */
  match: { externalId: string; key?: string } | { productItemId: string };
  status: ProductStatus;
  note: string;
}

export interface IncomingRequest {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

export interface Connector<K extends ConnectorKind> {
  kind: K;
  /** For people: `GitHub`, `Jira`, `Linear`, `Webhook`. */
  label: string;
  request(delivery: ConnectorDelivery<K>): OutboxRequest;
  /** Reads a 2xx answer (its JSON body, or undefined when there was none or it was not JSON). */
  answer(delivery: ConnectorDelivery<K>, body: unknown): ConnectorAnswer;
  /** Whether an incoming event really comes from the tool (its signature, or the shared secret). */
  verify(request: IncomingRequest, secret: string, now: Date): boolean;
  /**
   * The status change an event reports; `ignore` says why it reports none (other events, other
   * repositories: answered 200, so the tool does not retry), `reject` that the body is malformed (400).
   */
  incoming(request: IncomingRequest, body: unknown, settings: ConnectorSettings[K]): IncomingStatus | { ignore: string } | { reject: string };
}

export const USER_AGENT = 'Baton-Connectors/1';

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

// ---------------------------------------------------------------------------------------------
// The text: a few blocks of spans, rendered per service.

export type Span = { text: string } | { code: string } | { link: string };
export type Block = { heading: string } | { paragraph: Span[] } | { text: string };

const KIND_LABEL = { feature_request: 'Feature request', bug_report: 'Bug report' } as const;

/** Who the customer is, for an issue or comment: name (or email, or id) and tier; never blank. */
function customerSpans(link: ConnectorLink): Span[] {
  const c = link.customer;
  const who = c.name ?? c.email ?? c.customerId;
  if (!who) return [{ text: 'an anonymous customer' }];
  return [{ code: who }, ...(c.tier ? [{ text: ` (${c.tier})` }] : [])];
}

function conversationSpans(link: ConnectorLink): Span[] {
  const { url, platform, conversationId } = link.conversation;
  if (url) return [{ text: 'conversation: ' }, { link: url }];
  if (conversationId) return [{ text: `conversation ${conversationId}${platform ? ` on ${platform}` : ''}` }];
  return [{ text: `Baton handoff ${link.handoffId}` }];
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** A new item's issue: what the agent wrote, the bug's fields, who asked and where. */
export function issueBlocks({ productItem: item, link }: ConnectorMessage): Block[] {
  const blocks: Block[] = [];
  if (item.details.trim()) blocks.push({ text: item.details });
  if (item.kind === 'bug_report') {
    if (item.severity) blocks.push({ paragraph: [{ text: `Severity: ${item.severity}` }] });
    for (const [heading, value] of [
      ['Steps to reproduce', item.stepsToReproduce],
      ['Expected', item.expected],
      ['Actual', item.actual],
    ] as const) {
      if (value?.trim()) blocks.push({ heading }, { text: value });
    }
  }
  blocks.push({ paragraph: [{ text: 'Reported by ' }, ...customerSpans(link), { text: ' in ' }, ...conversationSpans(link), { text: '.' }] });
  blocks.push({ paragraph: [{ text: `${KIND_LABEL[item.kind]} filed from Baton by ${link.routedBy.name} · item ` }, { code: item.id }] });
  return blocks;
}

/** A later link: the new customer (or the same one again), the conversation, the count so far. */
export function commentBlocks({ productItem: item, link }: ConnectorMessage): Block[] {
  const counted = `${plural(item.customerCount, 'customer')} so far.`;
  const head: Span[] = link.customer.isNew
    ? [{ text: 'Another customer asked for this: ' }, ...customerSpans(link), { text: ' in ' }, ...conversationSpans(link), { text: `. ${counted}` }]
    : [...customerSpans(link), { text: ' asked again, in ' }, ...conversationSpans(link), { text: `. Still ${counted}` }];
  const blocks: Block[] = [{ paragraph: head }];
  const notes = link.routed.details.trim();
  if (notes && notes !== item.details.trim()) blocks.push({ heading: 'Notes from the agent' }, { text: notes });
  blocks.push({ paragraph: [{ text: `Routed from Baton by ${link.routedBy.name}.` }] });
  return blocks;
}

// Markdown: a code span needs no escaping once it holds no backtick; `@name` in free text would
// notify a GitHub user, so a zero-width space keeps it from being read as a mention.
const noMentions = (text: string) => text.replace(/@(?=[A-Za-z0-9_-])/g, '@\u200b');

export function toMarkdown(blocks: Block[]): string {
  const span = (s: Span) => ('code' in s ? `\`${s.code.replace(/`/g, "'")}\`` : 'link' in s ? s.link : noMentions(s.text));
  return blocks
    .map((b) => ('heading' in b ? `### ${b.heading}` : 'text' in b ? noMentions(b.text) : b.paragraph.map(span).join('')))
    .join('\n\n');
}

type AdfNode = Record<string, unknown>;

/** Atlassian Document Format (version 1): paragraphs, headings, hard breaks, code and link marks. */
export function toAdf(blocks: Block[]): AdfNode {
  const text = (value: string, marks?: AdfNode[]): AdfNode => ({ type: 'text', text: value, ...(marks && { marks }) });
  const lines = (value: string): AdfNode[] =>
    value.split('\n').flatMap((line, i) => [...(i > 0 ? [{ type: 'hardBreak' }] : []), ...(line ? [text(line)] : [])]);
  const span = (s: Span): AdfNode => ('code' in s ? text(s.code, [{ type: 'code' }]) : 'link' in s ? text(s.link, [{ type: 'link', attrs: { href: s.link } }]) : text(s.text));
  const content: AdfNode[] = [];
  for (const block of blocks) {
    if ('heading' in block) content.push({ type: 'heading', attrs: { level: 3 }, content: [text(block.heading)] });
    else if ('paragraph' in block) content.push({ type: 'paragraph', content: block.paragraph.filter((s) => Object.values(s)[0] !== '').map(span) });
    else {
      // Blank lines separate paragraphs; single line breaks stay.
      for (const para of block.text.split(/\n\s*\n/)) {
        const nodes = lines(para.trim());
        if (nodes.length > 0) content.push({ type: 'paragraph', content: nodes });
      }
    }
  }
  return { type: 'doc', version: 1, content };
}

/** How long a tool's error message may be in `last_error` and the log. */
const MAX_ANSWER_MESSAGE = 160;

/**
 * A short reason from a failed answer: the service's message when it gave one. `scrubber` takes
 * secrets out after each step that changes the text: as received, once JSON-decoded, once
 * spaces are collapsed, and once cut (which may end inside one).
 */
export function describeAnswer(status: number, text: string, scrubber: SecretScrubber): string {
  let message = scrubber.clean(text);
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const linear = Array.isArray(body.errors) ? (body.errors as Array<{ message?: unknown }>).map((e) => e.message).filter(Boolean) : [];
    const jira: unknown[] = Array.isArray(body.errorMessages) ? body.errorMessages : [];
    const fields: unknown[] = body.errors && typeof body.errors === 'object' && !Array.isArray(body.errors) ? Object.values(body.errors) : [];
    const found = [body.message, ...linear, ...jira, ...fields].filter((m): m is string => typeof m === 'string' && m.length > 0);
    if (found.length > 0) message = scrubber.clean(found.join('; '));
  } catch {
    // not JSON: the text itself
  }
  const short = scrubber.cut(scrubber.clean(message.replace(/\s+/g, ' ')).trim(), MAX_ANSWER_MESSAGE);
  return short ? `HTTP ${status}: ${short}` : `HTTP ${status}`;
}
