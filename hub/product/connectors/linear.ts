// Linear: the GraphQL API (`POST <base>/graphql`, `Authorization: <API key>`): `issueCreate` for
// a new item, `commentCreate` for later links. Incoming: a workspace webhook for Issues, signed
// with `Linear-Signature: <hex HMAC-SHA256(secret, raw body)>`; its `webhookTimestamp` must be
// within a minute, so a captured request cannot be replayed later.
import { z } from 'zod';
import type { ProductStatus, Severity } from '../../../shared/protocol/index.ts';
import { hmacMatches } from './signatures.ts';
import { USER_AGENT, commentBlocks, issueBlocks, joinUrl, toMarkdown, type Connector } from './types.ts';

export const ISSUE_CREATE = 'mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id identifier url } } }';
export const COMMENT_CREATE = 'mutation CommentCreate($input: CommentCreateInput!) { commentCreate(input: $input) { success comment { id url } } }';

// Linear's priorities: 1 urgent, 2 high, 3 medium, 4 low.
const PRIORITY: Record<Severity, number> = { critical: 1, high: 2, medium: 3, low: 4 };

const Answer = z.object({
  data: z
    .object({
      issueCreate: z.object({ success: z.boolean(), issue: z.object({ id: z.string(), identifier: z.string().optional(), url: z.string().optional() }).nullish() }).optional(),
      commentCreate: z.object({ success: z.boolean() }).optional(),
    })
    .nullish(),
  errors: z.array(z.object({ message: z.string().optional() })).optional(),
});

const IssueUpdate = z.object({
  type: z.string(),
  action: z.string(),
  data: z.object({ id: z.string(), identifier: z.string().optional(), state: z.object({ name: z.string(), type: z.string() }).optional() }),
  updatedFrom: z.record(z.string(), z.unknown()).optional(),
  webhookTimestamp: z.number().optional(),
});

const STATES: Record<string, ProductStatus> = {
  triage: 'new',
  backlog: 'new',
  unstarted: 'planned',
  started: 'in_progress',
  completed: 'done',
  canceled: 'wont_do',
};

/** How far a webhook's `webhookTimestamp` may be from now. */
export const LINEAR_TOLERANCE_MS = 60_000;

export const linear: Connector<'linear'> = {
  kind: 'linear',
  label: 'Linear',
  request({ action, settings, token, message, issue }) {
    const item = message.productItem;
    const body =
      action === 'create'
        ? {
            query: ISSUE_CREATE,
            variables: {
              input: {
                teamId: settings.teamId,
                title: item.title,
                description: toMarkdown(issueBlocks(message)),
                ...(item.severity && { priority: PRIORITY[item.severity] }),
              },
            },
          }
        : { query: COMMENT_CREATE, variables: { input: { issueId: issue!.externalId, body: toMarkdown(commentBlocks(message)) } } };
    return {
      url: joinUrl(settings.baseUrl, '/graphql'),
      headers: { 'content-type': 'application/json', authorization: token, 'user-agent': USER_AGENT },
      body: JSON.stringify(body),
    };
  },
  answer({ action }, body) {
    // GraphQL reports failures with 200 and `errors`.
    const parsed = Answer.safeParse(body);
    if (!parsed.success) return { ok: false, error: 'Linear answered something that is not a GraphQL response' };
    const { data, errors } = parsed.data;
    if (errors && errors.length > 0) return { ok: false, error: `Linear: ${errors.map((e) => e.message ?? 'error').join('; ').slice(0, 160)}` };
    if (action === 'comment') return data?.commentCreate?.success ? { ok: true } : { ok: false, error: 'Linear: commentCreate did not succeed' };
    const created = data?.issueCreate;
    if (!created?.success || !created.issue) return { ok: false, error: 'Linear: issueCreate did not succeed' };
    return { ok: true, issue: { externalId: created.issue.id, key: created.issue.identifier ?? null, url: created.issue.url ?? null } };
  },
  verify({ headers, raw }, secret, now) {
    const header = headers['linear-signature'];
    if (typeof header !== 'string' || !hmacMatches(secret, raw, header)) return false;
    try {
      const { webhookTimestamp } = JSON.parse(raw.toString('utf8')) as { webhookTimestamp?: unknown };
      return typeof webhookTimestamp === 'number' && Math.abs(now.getTime() - webhookTimestamp) <= LINEAR_TOLERANCE_MS;
    } catch {
      return false;
    }
  },
  incoming(_request, body) {
    const parsed = IssueUpdate.safeParse(body);
    if (!parsed.success) return { ignore: 'not an Issue event Baton can read' };
    const { type, action, data, updatedFrom } = parsed.data;
    if (type !== 'Issue' || action !== 'update') return { ignore: `Linear ${type} ${action}` };
    if (!updatedFrom || !('stateId' in updatedFrom) || !data.state) return { ignore: 'no state change' };
    const status = STATES[data.state.type];
    if (!status) return { ignore: `state type ${data.state.type}` };
    return { match: { externalId: data.id }, status, note: `Linear ${data.identifier ?? data.id} moved to ${data.state.name}` };
  },
};
