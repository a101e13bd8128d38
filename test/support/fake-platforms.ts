// Local stand-ins for the messaging platforms' APIs: real HTTP servers that serve the documented
// endpoints Baton reads (messages, users), record every call it makes back (status changes,
// notes, assignments, switchboard control), check the credentials, and can be taken down.
import { createHmac } from 'node:crypto';
import { startReceiver, type Answer, type HttpReceiver, type ReceivedRequest } from './http-receiver.ts';

export interface FakePlatform {
  url: string;
  receiver: HttpReceiver;
  /** While true, every request gets 503. */
  down: boolean;
  /** How long every answer takes (ms). */
  delayMs: number;
  /** Calls Baton made that change something (every POST). */
  calls(): ReceivedRequest[];
  close(): Promise<void>;
}

async function fake(route: (request: ReceivedRequest, url: URL) => Answer | undefined): Promise<FakePlatform> {
  const receiver = await startReceiver();
  const platform: FakePlatform = {
    url: receiver.url,
    receiver,
    down: false,
    delayMs: 0,
    calls: () => receiver.requests.filter((r) => r.method === 'POST'),
    close: () => receiver.close(),
  };
  receiver.respond = async (request) => {
    if (platform.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, platform.delayMs));
    if (platform.down) return { status: 503, body: { error: 'unavailable' } };
    return route(request, new URL(request.path, receiver.url)) ?? { status: 404, body: { error: 'not found' } };
  };
  return platform;
}

// ---------------------------------------------------------------------------------------------
// Chatwoot

export interface ChatwootMessageFixture {
  id: number;
  content: string | null;
  message_type: 0 | 1 | 2 | 3;
  created_at: number;
  private: boolean;
  sender?: { id: number; name: string; type: 'contact' | 'user' | 'agent_bot' } | null;
}

export interface FakeChatwoot extends FakePlatform {
  token: string;
  /** Messages per conversation id, oldest first (`*`: any other conversation). */
  conversations: Map<string, unknown[]>;
}

export async function startFakeChatwoot(token: string): Promise<FakeChatwoot> {
  const conversations = new Map<string, unknown[]>();
  const platform = await fake((request, url) => {
    if (request.headers.api_access_token !== token) return { status: 401, body: { error: 'Invalid Access Token' } };
    const list = /^\/api\/v1\/accounts\/(\d+)\/conversations\/(\d+)\/messages$/.exec(url.pathname);
    if (request.method === 'GET' && list) {
      const all = conversations.get(list[2]!) ?? conversations.get('*') ?? [];
      const before = url.searchParams.get('before');
      const older = before === null ? all : all.filter((m) => Number((m as { id?: unknown }).id) < Number(before));
      // The API's own page: the 20 before the cursor (or the latest 20), oldest first.
      return { status: 200, body: { meta: { labels: [], contact_id: 7 }, payload: older.slice(-20).map((m) => ({ ...(m as object), conversation_id: Number(list[2]), inbox_id: 1 })) } };
    }
    if (request.method === 'POST' && /^\/api\/v1\/accounts\/\d+\/conversations\/\d+\/(toggle_status|messages|assignments)$/.test(url.pathname)) {
      return { status: 200, body: { payload: { success: true } } };
    }
    return undefined;
  });
  return Object.assign(platform, { token, conversations });
}

/** Signs a Chatwoot webhook body as Chatwoot does. */
export function chatwootHeaders(secret: string, raw: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex');
  return { 'x-chatwoot-signature': `sha256=${signature}`, 'x-chatwoot-timestamp': String(timestamp) };
}

/** A `conversation_status_changed` webhook as Chatwoot sends it. */
export function chatwootStatusChanged(conversationId: number, from: string, to: string, extra: Record<string, unknown> = {}) {
  return {
    event: 'conversation_status_changed',
    id: conversationId,
    inbox_id: 1,
    account_id: 1,
    status: to,
    channel: 'Channel::WebWidget',
    can_reply: true,
    meta: {
      sender: { id: 7, name: 'Maria Lopez', email: 'maria@example.com', identifier: 'cust-7', type: 'contact', custom_attributes: {} },
      assignee: null,
      hmac_verified: false,
    },
    messages: [],
    labels: [],
    custom_attributes: {},
    additional_attributes: {},
    changed_attributes: [{ status: { previous_value: from, current_value: to } }, { updated_at: { previous_value: 1, current_value: 2 } }],
    timestamp: 1765000000,
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// Sunshine Conversations

export interface SunshineMessageFixture {
  id: string;
  received: string;
  author: { type: 'user' | 'business'; userId?: string; displayName?: string; subtypes?: string[] };
  content: { type: string; text?: string };
  source?: { type: string; integrationId?: string };
}

export interface FakeSunshine extends FakePlatform {
  keyId: string;
  keySecret: string;
  conversations: Map<string, unknown[]>;
  users: Map<string, unknown>;
  /** Messages per page (the real API: 100). */
  pageSize: number;
}

export async function startFakeSunshine(keyId: string, keySecret: string): Promise<FakeSunshine> {
  const conversations = new Map<string, unknown[]>();
  const users = new Map<string, unknown>();
  let self: FakeSunshine | undefined;
  const basic = `Basic ${Buffer.from(`${keyId}:${keySecret}`).toString('base64')}`;
  const platform = await fake((request, url) => {
    if (request.headers.authorization !== basic) return { status: 401, body: { errors: [{ code: 'unauthorized', title: 'Authorization is required' }] } };
    const list = /^\/v2\/apps\/([^/]+)\/conversations\/([^/]+)\/messages$/.exec(url.pathname);
    if (request.method === 'GET' && list) {
      const all = conversations.get(decodeURIComponent(list[2]!)) ?? conversations.get('*') ?? [];
      const before = url.searchParams.get('page[before]');
      const end = before === null ? all.length : all.findIndex((m) => (m as { id?: unknown }).id === before);
      const start = Math.max(0, end - (self?.pageSize ?? 100));
      const page = all.slice(start, end);
      const hasMore = start > 0;
      return {
        status: 200,
        body: {
          messages: page,
          meta: { hasMore, ...(hasMore && { beforeCursor: (page[0] as { id: string }).id }) },
          links: hasMore ? { prev: `${url.origin}${url.pathname}?page[before]=${(page[0] as { id: string }).id}` } : {},
        },
      };
    }
    const user = /^\/v2\/apps\/([^/]+)\/users\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && user) {
      const found = users.get(decodeURIComponent(user[2]!)) ?? users.get('*');
      return found ? { status: 200, body: { user: found } } : { status: 404, body: { errors: [{ code: 'user_not_found' }] } };
    }
    if (request.method === 'POST' && /^\/v2\/apps\/[^/]+\/conversations\/[^/]+\/(passControl|releaseControl)$/.test(url.pathname)) {
      return { status: 200, body: {} };
    }
    return undefined;
  });
  self = Object.assign(platform, { keyId, keySecret, conversations, users, pageSize: 100 });
  return self;
}

/** A v2 webhook with one switchboard event. */
export function sunshineSwitchboard(
  type: 'switchboard:passControl' | 'switchboard:acceptControl' | 'switchboard:releaseControl',
  { eventId, appId = 'app_1', conversationId, to, metadata = {} }: { eventId: string; appId?: string; conversationId: string; to?: string; metadata?: Record<string, unknown> },
) {
  return {
    app: { id: appId },
    webhook: { id: 'wh_1', version: 'v2' },
    events: [
      {
        id: eventId,
        createdAt: '2026-12-06T10:00:00.000Z',
        type,
        payload: {
          conversation: {
            id: conversationId,
            type: 'personal',
            ...(to && { activeSwitchboardIntegration: { id: `sbi_${to}`, name: to, integrationId: `int_${to}`, integrationType: to === 'zd-agentWorkspace' ? 'zd:agentWorkspace' : 'custom' } }),
          },
          metadata,
        },
      },
    ],
  };
}
