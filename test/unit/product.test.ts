// The pure parts of product items: the routing command's rules, who counts as the same customer,
// the connector configuration the CLI accepts, the issue and comment texts, and how each tool's
// status events map onto Baton's statuses.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AdminInputError } from '../../hub/admin/accounts.ts';
import { validateConnectorInput } from '../../hub/product/connectors/config.ts';
import { github } from '../../hub/product/connectors/github.ts';
import { jira } from '../../hub/product/connectors/jira.ts';
import { linear } from '../../hub/product/connectors/linear.ts';
import { secretScrubber } from '../../hub/product/connectors/redact.ts';
import { commentBlocks, describeAnswer, issueBlocks, toAdf, toMarkdown, type ConnectorMessage, type IncomingRequest } from '../../hub/product/connectors/types.ts';
import { customerOf } from '../../hub/product/items.ts';
import { RouteToProductCommand, describeIssues, type ProductItem } from '../../shared/protocol/index.ts';

const opId = '3f2b8c1d-9e4a-4b6f-8d2c-1a7e5f0b9c34';

describe('handoff:routeToProduct', () => {
  const issuesOf = (payload: Record<string, unknown>) => {
    const result = RouteToProductCommand.safeParse({ opId, handoffId: 'h1', ...payload });
    return result.success ? [] : describeIssues(result.error).map((i) => `${i.path}: ${i.message}`);
  };

  it('needs a title and details for a new item, and neither when adding to an existing one', () => {
    expect(issuesOf({ kind: 'feature_request', title: 'Dark mode', details: '' })).toEqual([]);
    expect(issuesOf({ kind: 'feature_request' })).toEqual([
      'title: is required (unless productItemId names an existing item)',
      'details: is required (unless productItemId names an existing item)',
    ]);
    expect(issuesOf({ kind: 'feature_request', productItemId: 'item-1' })).toEqual([]);
    expect(issuesOf({ kind: 'feature_request', productItemId: 'item-1', title: ' ' })).toEqual(['title: must not be empty']);
  });

  it('takes severity, steps, expected and actual for bug reports only', () => {
    expect(issuesOf({ kind: 'bug_report', title: 'Crash', details: 'd', severity: 'critical', stepsToReproduce: '1. Open', expected: 'Opens', actual: 'Crashes' })).toEqual([]);
    expect(issuesOf({ kind: 'feature_request', title: 'Export', details: 'd', severity: 'low', stepsToReproduce: 's', expected: 'e', actual: 'a' })).toEqual([
      'severity: only bug reports have a severity',
      'stepsToReproduce: only bug reports have steps to reproduce',
      'expected: only bug reports have an expected result',
      'actual: only bug reports have an actual result',
    ]);
    expect(issuesOf({ kind: 'bug_report', title: 'Crash', details: 'd', severity: 'blocker' })).toHaveLength(1);
    expect(issuesOf({ kind: 'bug_report', title: 'Crash', details: 'd', votes: 3 })).toEqual(['votes: unknown field']);
  });
});

describe('who counts as the same customer', () => {
  it('is the customer id, else the email in any case, else the handoff itself', () => {
    expect(customerOf({ summary: 's', trigger: { reason: 'other' }, customer: { id: 'cus_1', email: 'A@x.test', name: 'A' } }, 'h1')).toMatchObject({ key: 'id:cus_1', anonymous: false });
    expect(customerOf({ summary: 's', trigger: { reason: 'other' }, customer: { email: 'A@X.test' } }, 'h1')).toMatchObject({ key: 'email:a@x.test', anonymous: false });
    expect(customerOf({ summary: 's', trigger: { reason: 'other' }, customer: { name: 'Only a name' } }, 'h1')).toMatchObject({ key: 'handoff:h1', anonymous: true, name: 'Only a name' });
    expect(customerOf({ summary: 's', trigger: { reason: 'other' } }, 'h2')).toMatchObject({ key: 'handoff:h2', anonymous: true, name: null });
  });
});

describe('connector set', () => {
  const refusal = (input: Record<string, unknown>) => {
    try {
      validateConnectorInput(input);
    } catch (error) {
      expect(error).toBeInstanceOf(AdminInputError);
      return (error as Error).message;
    }
    throw new Error('expected the input to be refused');
  };

  it('takes each kind’s settings, with defaults, and where the secrets are', () => {
    expect(validateConnectorInput({ team: 'support', kind: 'github', repo: 'acme/app', tokenEnv: 'GITHUB_TOKEN', eventsSecret: 'whsec-12345678' })).toEqual({
      team: 'support',
      kind: 'github',
      settings: { baseUrl: 'https://api.github.com', repo: 'acme/app' },
      credentials: { tokenEnv: 'GITHUB_TOKEN', eventsSecret: 'whsec-12345678' },
    });
    expect(
      validateConnectorInput({ team: 'support', kind: 'jira', baseUrl: 'https://acme.atlassian.net', project: 'SUP', email: 'bot@acme.test', token: 'jira-token-123' }).settings,
    ).toEqual({ baseUrl: 'https://acme.atlassian.net', project: 'SUP', email: 'bot@acme.test', bugIssueType: 'Bug', featureIssueType: 'Task' });
    expect(validateConnectorInput({ team: 'support', kind: 'linear', linearTeam: 'team-1', token: 'lin_api_123456' }).settings).toEqual({
      baseUrl: 'https://api.linear.app',
      teamId: 'team-1',
    });
  });

  it('names each bad flag: missing, not for this kind, malformed, or a secret given twice', () => {
    expect(refusal({ team: 'support', kind: 'github', token: 'ghp_12345678' })).toBe('Cannot set the connector: --repo is required');
    expect(refusal({ team: 'support', kind: 'github', repo: 'acme', tokenEnv: 'T' })).toBe('Cannot set the connector: --repo must be owner/name');
    expect(refusal({ team: 'support', kind: 'github', repo: 'acme/app', project: 'SUP', tokenEnv: 'T' })).toBe('Cannot set the connector: --project does not apply to a github connector');
    expect(refusal({ team: 'support', kind: 'jira', baseUrl: 'https://acme.atlassian.net', project: 'SUP', email: 'nope', token: 'jira-token-123' })).toMatch(/^Cannot set the connector: --email /);
    expect(refusal({ team: 'support', kind: 'linear', linearTeam: 't' })).toBe('Cannot set the connector: --token-env or --token is required: the API token');
    expect(refusal({ team: 'support', kind: 'webhook', url: 'https://x.test', token: 'whsec-12345678', tokenEnv: 'X' })).toContain('--token give --token or --token-env, not both');
    expect(refusal({ team: 'support', kind: 'webhook', url: 'https://x.test', token: 'whsec-12345678', eventsSecret: 'other-secret' })).toContain('verifies incoming events with its signing secret');
    expect(refusal({ team: 'support', kind: 'trello', token: 'x' })).toMatch(/^Cannot set the connector: --kind /);
    // fetch would refuse every request to it; the credential goes in --token.
    expect(refusal({ team: 'support', kind: 'webhook', url: 'https://tools:pw@x.test/hook', token: 'whsec-12345678' })).toBe(
      'Cannot set the connector: --url must not contain a user name or password (user:password@): requests could never be sent to it',
    );
  });
});

const ITEM: ProductItem = {
  id: 'item-1',
  team: 'support',
  kind: 'bug_report',
  title: 'Crash on shared boards',
  details: 'Crashes for @jules_builds.\nEvery time.\n\nSecond paragraph.',
  severity: 'high',
  stepsToReproduce: '1. Share\n2. Tap',
  expected: null,
  actual: '',
  status: 'new',
  statusNote: null,
  customerCount: 3,
  handoffCount: 4,
  external: [],
  createdBy: { id: 'pat', name: 'Pat' },
  createdAt: '2026-11-20T09:00:00.000Z',
  updatedAt: '2026-11-20T09:00:00.000Z',
};
const MESSAGE: ConnectorMessage = {
  productItem: ITEM,
  link: {
    handoffId: 'h1',
    customer: { key: 'id:c', anonymous: false, customerId: 'c', name: 'Ada `the` Admin', email: null, tier: 'pro', isNew: true },
    conversation: { platform: 'web', conversationId: 'c-1', url: 'https://help.test/c/1' },
    routedBy: { id: 'pat', name: 'Pat' },
    routedAt: '2026-11-20T09:00:00.000Z',
    routed: { kind: 'bug_report', title: 'Crash on shared boards', details: 'Also on iOS.', productItemId: 'item-1' },
  },
};

describe('issue and comment texts', () => {
  it('Markdown keeps mentions from notifying anyone and customer names in code spans', () => {
    const markdown = toMarkdown(issueBlocks(MESSAGE));
    expect(markdown).toContain('Crashes for @\u200bjules_builds.');
    expect(markdown).toContain("`Ada 'the' Admin` (pro)");
    expect(markdown).toContain('### Steps to reproduce\n\n1. Share\n2. Tap');
    expect(markdown).not.toContain('### Expected'); // empty or missing bug fields are left out
    expect(markdown).not.toContain('### Actual');
    expect(markdown).toContain('conversation: https://help.test/c/1');
  });

  it('a comment names a returning customer as such, and an anonymous one without a name', () => {
    const again = { ...MESSAGE, link: { ...MESSAGE.link, customer: { ...MESSAGE.link.customer, isNew: false } } };
    expect(toMarkdown(commentBlocks(again))).toMatch(/^`Ada 'the' Admin` \(pro\) asked again, in conversation: https:\/\/help\.test\/c\/1\. Still 3 customers so far\./);
    const anonymous = {
      ...MESSAGE,
      link: { ...MESSAGE.link, customer: { ...MESSAGE.link.customer, name: null, customerId: null, tier: null, anonymous: true }, conversation: { platform: null, conversationId: null, url: null } },
    };
    expect(toMarkdown(commentBlocks(anonymous))).toMatch(/^Another customer asked for this: an anonymous customer in Baton handoff h1\. 3 customers so far\./);
  });

  it('ADF splits paragraphs on blank lines, keeps line breaks, and has no empty text nodes', () => {
    const doc = toAdf(issueBlocks(MESSAGE)) as { type: string; version: number; content: Array<{ type: string; content?: Array<Record<string, unknown>> }> };
    expect(doc).toMatchObject({ type: 'doc', version: 1 });
    expect(doc.content[0]).toEqual({
      type: 'paragraph',
      content: [{ type: 'text', text: 'Crashes for @jules_builds.' }, { type: 'hardBreak' }, { type: 'text', text: 'Every time.' }],
    });
    expect(doc.content[1]).toEqual({ type: 'paragraph', content: [{ type: 'text', text: 'Second paragraph.' }] });
    const texts = JSON.stringify(doc).match(/"text":"[^"]*"/g) ?? [];
    expect(texts).not.toContain('"text":""');
    expect(JSON.stringify(doc)).toContain('{"type":"text","text":"https://help.test/c/1","marks":[{"type":"link","attrs":{"href":"https://help.test/c/1"}}]}');
  });

  it('a failed answer is described by the service’s own message', () => {
    const none = secretScrubber([]);
    expect(describeAnswer(401, '{"message":"Bad credentials","documentation_url":"https://docs.github.com"}', none)).toBe('HTTP 401: Bad credentials');
    expect(describeAnswer(400, '{"errorMessages":[],"errors":{"issuetype":"Specify a valid issue type"}}', none)).toBe('HTTP 400: Specify a valid issue type');
    expect(describeAnswer(400, '{"errors":[{"message":"Argument Validation Error"}]}', none)).toBe('HTTP 400: Argument Validation Error');
    expect(describeAnswer(502, '<html>\n  Bad gateway\n</html>', none)).toBe('HTTP 502: <html> Bad gateway </html>');
    expect(describeAnswer(500, '', none)).toBe('HTTP 500');
  });

  describe('a secret the service echoes is taken out after every step', () => {
    const secret = 'conn-signing-secret-123';
    const scrubber = secretScrubber([secret]);
    const leaks = (text: string) => [4, 6, 10, secret.length].some((n) => text.includes(secret.slice(0, n)));

    it('JSON-escaped right at the 160-character cut', () => {
      const answer = `{"message":"${'x'.repeat(150)}conn-signing-\\u0073ecret-123"}`;
      const described = describeAnswer(400, answer, scrubber);
      expect(described).toBe(`HTTP 400: ${'x'.repeat(150)}[redacted]`);
      for (const at of [140, 145, 150, 155, 158]) {
        const near = describeAnswer(400, `{"message":"${'x'.repeat(at)}conn-signing-\\u0073ecret-123 and more"}`, scrubber);
        expect(leaks(near), near).toBe(false);
      }
    });

    it('only its start, at the end of what the service sent', () => {
      const described = describeAnswer(400, `{"message":"token conn-signin"}`, scrubber);
      expect(described).toBe('HTTP 400: token [redacted]');
    });

    it('URL-encoded, JSON-escaped in text that is not JSON, or in pieces of both', () => {
      for (const form of ['conn%2Dsigning%2Dsecret%2D123', 'conn-signing-\\u0073ecret-123', '\\u0063onn-sign%69ng-secret-123', 'conn-signing-secret-123']) {
        const described = describeAnswer(502, `<html>${form}</html>`, scrubber);
        expect(described, form).toBe('HTTP 502: <html>[redacted]</html>');
      }
    });
  });
});

describe('status events from the tools', () => {
  const request = (headers: Record<string, string>, body: unknown): IncomingRequest => ({ headers, raw: Buffer.from(JSON.stringify(body)) });
  const githubSettings = { baseUrl: 'https://api.github.com', repo: 'acme/app' };
  const gh = (action: string, stateReason: string | null) =>
    github.incoming(request({ 'x-github-event': 'issues' }, {}), { action, issue: { number: 7, state_reason: stateReason }, repository: { full_name: 'Acme/App' } }, githubSettings);

  it('GitHub: closed as completed is done, as not planned won’t do, reopened is new; other actions are ignored', () => {
    expect(gh('closed', 'completed')).toEqual({ match: { externalId: '7' }, status: 'done', note: 'GitHub issue #7 closed as completed' });
    expect(gh('closed', null)).toMatchObject({ status: 'done' });
    expect(gh('closed', 'not_planned')).toEqual({ match: { externalId: '7' }, status: 'wont_do', note: 'GitHub issue #7 closed as not planned' });
    expect(gh('reopened', 'reopened')).toMatchObject({ status: 'new' });
    expect(gh('labeled', null)).toEqual({ ignore: 'issue labeled' });
  });

  it('Jira: by status category, done split by resolution, only when the status changed', () => {
    const event = (category: string, resolution: string | null, changed = ['status']) =>
      jira.incoming(request({}, {}), {
        webhookEvent: 'jira:issue_updated',
        issue: { id: '10001', key: 'SUP-1', fields: { status: { name: 'X', statusCategory: { key: category } }, resolution: resolution && { name: resolution } } },
        changelog: { items: changed.map((field) => ({ field })) },
      }, { baseUrl: 'https://a.atlassian.net', project: 'SUP', email: 'a@b.test', bugIssueType: 'Bug', featureIssueType: 'Task' });
    expect(event('indeterminate', null)).toMatchObject({ match: { externalId: '10001', key: 'SUP-1' }, status: 'in_progress' });
    expect(event('done', 'Done')).toMatchObject({ status: 'done', note: 'Jira SUP-1 moved to X (Done)' });
    for (const resolution of ["Won't Do", 'Duplicate', 'Cannot Reproduce', 'Declined']) expect(event('done', resolution)).toMatchObject({ status: 'wont_do' });
    expect(event('new', null)).toMatchObject({ status: 'new' });
    expect(event('done', 'Done', ['summary'])).toEqual({ ignore: 'no status change' });
  });

  it('Linear: by state type, only when the state changed', () => {
    const event = (type: string, updatedFrom: Record<string, unknown> | undefined, kind = 'Issue') =>
      linear.incoming(request({}, {}), { type: kind, action: 'update', data: { id: 'lin-1', identifier: 'ENG-1', state: { name: 'S', type } }, ...(updatedFrom && { updatedFrom }) }, {
        baseUrl: 'https://api.linear.app',
        teamId: 't',
      });
    expect(event('started', { stateId: 'a' })).toEqual({ match: { externalId: 'lin-1' }, status: 'in_progress', note: 'Linear ENG-1 moved to S' });
    expect(event('unstarted', { stateId: 'a' })).toMatchObject({ status: 'planned' });
    expect(event('completed', { stateId: 'a' })).toMatchObject({ status: 'done' });
    expect(event('canceled', { stateId: 'a' })).toMatchObject({ status: 'wont_do' });
    expect(event('started', { title: 'old' })).toEqual({ ignore: 'no state change' });
    expect(event('started', { stateId: 'a' }, 'Comment')).toEqual({ ignore: 'Linear Comment update' });
  });

  it('signatures: GitHub and Jira sha256=<hex> over the raw body, Linear hex with a fresh webhookTimestamp', () => {
    const secret = 'events-secret-1';
    const body = Buffer.from('{"action":"closed"}');
    const hex = createHmac('sha256', secret).update(body).digest('hex');
    expect(github.verify({ headers: { 'x-hub-signature-256': `sha256=${hex}` }, raw: body }, secret, new Date())).toBe(true);
    expect(github.verify({ headers: { 'x-hub-signature-256': hex }, raw: body }, secret, new Date())).toBe(false);
    expect(github.verify({ headers: { 'x-hub-signature-256': `sha256=${hex}` }, raw: Buffer.from('{"action":"opened"}') }, secret, new Date())).toBe(false);
    expect(jira.verify({ headers: { 'x-hub-signature': `sha256=${hex}` }, raw: body }, secret, new Date())).toBe(true);
    expect(jira.verify({ headers: { authorization: `Bearer ${secret}` }, raw: body }, secret, new Date())).toBe(true);
    expect(jira.verify({ headers: {}, raw: body }, secret, new Date())).toBe(false);

    const now = new Date('2026-11-20T09:00:00Z');
    const signed = (ms: number) => {
      const raw = Buffer.from(JSON.stringify({ type: 'Issue', webhookTimestamp: ms }));
      return { headers: { 'linear-signature': createHmac('sha256', secret).update(raw).digest('hex') }, raw };
    };
    expect(linear.verify(signed(now.getTime() - 59_000), secret, now)).toBe(true);
    expect(linear.verify(signed(now.getTime() - 61_000), secret, now)).toBe(false);
    expect(linear.verify({ ...signed(now.getTime()), headers: { 'linear-signature': 'ab'.repeat(32) } }, secret, now)).toBe(false);
  });
});
