// GitHub Issues: `POST /repos/{owner}/{repo}/issues` for a new item, `POST
// /repos/{owner}/{repo}/issues/{issue_number}/comments` for later links (REST API, version
// 2022-11-28, a token as `Authorization: Bearer`). Incoming: the repository's `issues` webhook,
// signed with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`.
import { z } from 'zod';
import type { ProductStatus } from '../../../shared/protocol/index.ts';
import { hmacMatches } from './signatures.ts';
import { USER_AGENT, commentBlocks, issueBlocks, joinUrl, toMarkdown, type Connector } from './types.ts';

export const GITHUB_API_VERSION = '2022-11-28';

const Created = z.object({ number: z.number().int(), html_url: z.string().optional() });

const IssuesEvent = z.object({
  action: z.string(),
  issue: z.object({ number: z.number().int(), state_reason: z.string().nullish() }),
  repository: z.object({ full_name: z.string() }).optional(),
});

export const github: Connector<'github'> = {
  kind: 'github',
  label: 'GitHub',
  request({ action, settings, token, message, issue }) {
    const [owner = '', repo = ''] = settings.repo.split('/');
    const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
    const item = message.productItem;
    const body =
      action === 'create'
        ? { title: item.title, body: toMarkdown(issueBlocks(message)), labels: [item.kind === 'bug_report' ? 'bug' : 'enhancement'] }
        : { body: toMarkdown(commentBlocks(message)) };
    return {
      url: joinUrl(settings.baseUrl, action === 'create' ? `${repoPath}/issues` : `${repoPath}/issues/${encodeURIComponent(issue!.externalId)}/comments`),
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'x-github-api-version': GITHUB_API_VERSION,
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
      },
      body: JSON.stringify(body),
    };
  },
  answer({ action, settings }, body) {
    if (action === 'comment') return { ok: true };
    const created = Created.safeParse(body);
    if (!created.success) return { ok: true };
    const { number, html_url } = created.data;
    return { ok: true, issue: { externalId: String(number), key: `${settings.repo}#${number}`, url: html_url ?? null } };
  },
  verify({ headers, raw }, secret) {
    const header = headers['x-hub-signature-256'];
    return typeof header === 'string' && header.startsWith('sha256=') && hmacMatches(secret, raw, header.slice('sha256='.length));
  },
  incoming({ headers }, body, settings) {
    const event = headers['x-github-event'];
    if (event !== 'issues') return { ignore: `GitHub event ${String(event ?? 'without a type')}` };
    const parsed = IssuesEvent.safeParse(body);
    if (!parsed.success) return { ignore: 'not an issues event Baton can read' };
    const { action, issue, repository } = parsed.data;
    if (repository && repository.full_name.toLowerCase() !== settings.repo.toLowerCase()) return { ignore: `repository ${repository.full_name} is not ${settings.repo}` };
    let status: ProductStatus;
    let note: string;
    if (action === 'closed') {
      status = issue.state_reason === 'not_planned' ? 'wont_do' : 'done';
      note = `GitHub issue #${issue.number} closed as ${issue.state_reason === 'not_planned' ? 'not planned' : 'completed'}`;
    } else if (action === 'reopened') {
      status = 'new';
      note = `GitHub issue #${issue.number} reopened`;
    } else {
      return { ignore: `issue ${action}` };
    }
    return { match: { externalId: String(issue.number) }, status, note };
  },
};
