// Jira Cloud: `POST /rest/api/3/issue` (description in Atlassian Document Format) for a new item,
// `POST /rest/api/3/issue/{issueIdOrKey}/comment` for later links; basic auth with the account's
// email and an API token. Incoming: an admin webhook (`jira:issue_updated`) signed with the
// shared secret (`X-Hub-Signature: sha256=<hex HMAC-SHA256>`), or, from an automation rule's web
// request that cannot sign, the secret itself as `Authorization: Bearer <secret>`.
import { z } from 'zod';
import type { ProductStatus } from '../../../shared/protocol/index.ts';
import { hmacMatches, secretMatches } from './signatures.ts';
import { USER_AGENT, commentBlocks, issueBlocks, joinUrl, toAdf, type Connector } from './types.ts';

const Created = z.object({ id: z.string(), key: z.string().optional() });

const IssueUpdated = z.object({
  webhookEvent: z.string(),
  issue: z.object({
    id: z.string(),
    key: z.string(),
    fields: z.object({
      status: z.object({ name: z.string(), statusCategory: z.object({ key: z.string() }) }),
      resolution: z.object({ name: z.string() }).nullish(),
    }),
  }),
  changelog: z.object({ items: z.array(z.object({ field: z.string() })) }).optional(),
});

// Resolutions that mean the work will not be done.
const WONT_DO = /won['’]?t|not do|declined|duplicate|cannot reproduce|can't reproduce|not a bug|obsolete|rejected|invalid/i;

export const jira: Connector<'jira'> = {
  kind: 'jira',
  label: 'Jira',
  request({ action, settings, token, message, issue }) {
    const item = message.productItem;
    const body =
      action === 'create'
        ? {
            fields: {
              project: { key: settings.project },
              summary: item.title,
              issuetype: { name: item.kind === 'bug_report' ? settings.bugIssueType : settings.featureIssueType },
              description: toAdf(issueBlocks(message)),
            },
          }
        : { body: toAdf(commentBlocks(message)) };
    return {
      url: joinUrl(settings.baseUrl, action === 'create' ? '/rest/api/3/issue' : `/rest/api/3/issue/${encodeURIComponent(issue!.externalId)}/comment`),
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${settings.email}:${token}`, 'utf8').toString('base64')}`,
        'user-agent': USER_AGENT,
      },
      body: JSON.stringify(body),
    };
  },
  answer({ action, settings }, body) {
    if (action === 'comment') return { ok: true };
    const created = Created.safeParse(body);
    if (!created.success) return { ok: true };
    const { id, key } = created.data;
    return { ok: true, issue: { externalId: id, key: key ?? null, url: key ? joinUrl(settings.baseUrl, `/browse/${encodeURIComponent(key)}`) : null } };
  },
  verify({ headers, raw }, secret) {
    const signature = headers['x-hub-signature'];
    if (typeof signature === 'string') return signature.startsWith('sha256=') && hmacMatches(secret, raw, signature.slice('sha256='.length));
    const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    return match !== null && secretMatches(match[1]!, secret);
  },
  incoming(_request, body) {
    const parsed = IssueUpdated.safeParse(body);
    if (!parsed.success) return { ignore: 'not an issue event Baton can read' };
    const { webhookEvent, issue, changelog } = parsed.data;
    if (webhookEvent !== 'jira:issue_updated') return { ignore: `Jira event ${webhookEvent}` };
    // Only a change of status says anything; other edits leave Baton's status alone.
    if (changelog && !changelog.items.some((i) => i.field === 'status' || i.field === 'resolution')) return { ignore: 'no status change' };
    const category = issue.fields.status.statusCategory.key;
    let status: ProductStatus;
    if (category === 'done') status = WONT_DO.test(issue.fields.resolution?.name ?? '') ? 'wont_do' : 'done';
    else if (category === 'indeterminate') status = 'in_progress';
    else if (category === 'new') status = 'new';
    else return { ignore: `status category ${category}` };
    const resolution = issue.fields.resolution?.name ? ` (${issue.fields.resolution.name})` : '';
    return { match: { externalId: issue.id, key: issue.key }, status, note: `Jira ${issue.key} moved to ${issue.fields.status.name}${resolution}` };
  },
};
