// The demo's messaging platforms and bot frameworks: a built-in stand-in for Chatwoot's and
// Sunshine Conversations' APIs on loopback, and one conversation on each that their bots hand to
// a person, so the demo shows where such handoffs come from (the platform, the link back, the
// transcript read from the platform's API). Baton's calls back (assignment, status, passControl)
// are answered and logged. A Dialogflow CX agent's webhook call, a Rasa bot's handoff action and
// an Amazon Lex V2 bot's Lambda event hand off one more conversation each; Rasa's API is stood in for too (the resume after "Return to bot").
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIntegration } from '../admin/accounts.ts';
import type { Queryable } from '../store/db.ts';
import type { DemoBotLog } from './demo-bot.ts';

/** Published demo credentials, like the demo integration's key: a demo hub binds to loopback only. */
export const DEMO_PLATFORM_ENV = {
  BATON_DEMO_CHATWOOT_TOKEN: 'demo-chatwoot-api-token',
  BATON_DEMO_CHATWOOT_SECRET: 'demo-chatwoot-webhook-secret',
  BATON_DEMO_SUNSHINE_KEY_SECRET: 'demo-sunshine-key-secret',
  BATON_DEMO_SUNSHINE_SECRET: 'demo-sunshine-webhook-secret',
  BATON_DEMO_RASA_TOKEN: 'demo-rasa-token',
} as const;
const SUNSHINE_KEY_ID = 'app_demo_key';
const SUNSHINE_APP = 'app_demo';
const CHATWOOT_CONVERSATION = 2048;
const SUNSHINE_CONVERSATION = 'conv_demo_whatsapp';
const SUNSHINE_USER = 'user_demo_1';
/** The demo CX agent's integration key, published like the demo integration's. */
const DIALOGFLOW_CX_KEY = 'demo-dialogflow-cx-key';
/** The demo Rasa bot's integration key, and its API token (the stand-in checks it). */
const RASA_KEY = 'demo-rasa-key';
const LEX_KEY = 'demo-lex-key';
const CX_SESSION = 'projects/demo-project/locations/global/agents/demo-agent/sessions/demo-cx-session-1';

/** `integration platform`'s input, as plain data. */
export type DemoPlatformInput =
  | { name: string; kind: 'chatwoot'; apiUrl: string; tokenEnv: string; webhookSecretEnv: string }
  | { name: string; kind: 'sunshine'; apiUrl: string; keyId: string; keySecretEnv: string; webhookSecretEnv: string; humanSwitchboardName: string; botSwitchboardName: string }
  | { name: string; kind: 'dialogflow-cx'; fulfillmentText: string }
  | { name: string; kind: 'rasa'; apiUrl: string; tokenEnv: string; resumeIntent: string }
  | { name: string; kind: 'lex' };

export interface DemoPlatforms {
  /** The stand-in APIs' base URL. */
  apiUrl: string;
  /** Creates the integrations `demo-chatwoot`, `demo-sunshine`, `demo-dialogflow-cx`, `demo-rasa` and `demo-lex` when missing. */
  createIntegrations(db: Queryable): Promise<void>;
  /** How each is put in front of its stand-in (set again at each start: the port changes), for `setPlatform`. */
  platforms: readonly DemoPlatformInput[];
  /** Sends each platform's handoff webhook to the hub. */
  play(hubUrl: string): Promise<void>;
  stop(): Promise<void>;
}

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

function chatwootMessages() {
  const turns: Array<[0 | 1 | 2, string, number, string | null]> = [
    [0, 'Hola! My order #5521 arrived with a broken screen.', 140, 'contact'],
    [1, 'Sorry to hear that! Could you send a photo of the damage?', 138, 'agent_bot'],
    [0, 'Sent it just now. I need a replacement before Friday, it is a gift.', 95, 'contact'],
    [1, 'Thanks. Express replacements need a person to approve them; let me get someone.', 92, 'agent_bot'],
    [2, 'Conversation was marked open by Helpbot', 90, null],
  ];
  return turns.map(([type, content, seconds, sender], i) => ({
    id: 9000 + i,
    content,
    message_type: type,
    created_at: Math.floor(ago(seconds).getTime() / 1000),
    private: false,
    ...(sender && { sender: { id: sender === 'contact' ? 77 : 3, name: sender === 'contact' ? 'Lucía Fernández' : 'Helpbot', type: sender } }),
  }));
}

function sunshineMessages() {
  const turns: Array<['user' | 'business', string, number]> = [
    ['user', 'Hi, I cannot log in since I changed my phone.', 200],
    ['business', 'I can help! Did you get the verification code by SMS?', 198],
    ['user', 'No, the code goes to my old number.', 150],
    ['business', 'Changing the number on an account needs an identity check by our team. Passing you to a person.', 147],
  ];
  return turns.map(([type, text, seconds], i) => ({
    id: `msg_demo_${i}`,
    received: ago(seconds).toISOString(),
    author: type === 'user' ? { type, userId: SUNSHINE_USER, displayName: 'Priya' } : { type, displayName: 'Helpbot' },
    content: { type: 'text', text },
    source: { type: type === 'user' ? 'whatsapp' : 'api:conversations' },
  }));
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function startDemoPlatforms(log: DemoBotLog): Promise<DemoPlatforms> {
  const basic = `Basic ${Buffer.from(`${SUNSHINE_KEY_ID}:${DEMO_PLATFORM_ENV.BATON_DEMO_SUNSHINE_KEY_SECRET}`).toString('base64')}`;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://demo').pathname;
      if (path.startsWith('/api/v1/')) {
        if (req.headers.api_access_token !== DEMO_PLATFORM_ENV.BATON_DEMO_CHATWOOT_TOKEN) return answer(res, 401, { error: 'Invalid Access Token' });
        if (req.method === 'GET' && path.endsWith('/messages')) {
          const before = new URL(req.url ?? '/', 'http://demo').searchParams.get('before');
          return answer(res, 200, { meta: {}, payload: before ? [] : chatwootMessages() });
        }
        log.info({ platform: 'chatwoot', call: `${req.method} ${path}` }, 'demo Chatwoot received a call from Baton');
        return answer(res, 200, { payload: { success: true } });
      }
      if (path.startsWith('/v2/')) {
        if (req.headers.authorization !== basic) return answer(res, 401, { errors: [{ code: 'unauthorized' }] });
        if (req.method === 'GET' && path.endsWith('/messages')) return answer(res, 200, { messages: sunshineMessages(), meta: { hasMore: false }, links: {} });
        if (req.method === 'GET' && path.endsWith(`/users/${SUNSHINE_USER}`)) {
          return answer(res, 200, { user: { id: SUNSHINE_USER, externalId: 'acct-3310', authenticated: false, profile: { givenName: 'Priya', surname: 'Natarajan', email: 'priya@example.com', locale: 'en-GB' } } });
        }
        log.info({ platform: 'sunshine', call: `${req.method} ${path}` }, 'demo Sunshine Conversations received a call from Baton');
        return answer(res, 200, {});
      }
      if (path.startsWith('/conversations/')) {
        if (new URL(req.url ?? '/', 'http://demo').searchParams.get('token') !== DEMO_PLATFORM_ENV.BATON_DEMO_RASA_TOKEN) return answer(res, 401, { status: 'failure', reason: 'NotAuthenticated' });
        log.info({ platform: 'rasa', call: `${req.method} ${path}` }, 'demo Rasa received a call from Baton');
        return answer(res, 200, {});
      }
      answer(res, 404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const post = async (url: string, body: unknown, headers: (raw: string) => Record<string, string>) => {
    const raw = JSON.stringify(body);
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers(raw) }, body: raw, signal: AbortSignal.timeout(15_000) });
    await response.body?.cancel();
    if (response.status >= 300) log.warn({ url, status: response.status }, 'the hub refused a demo platform webhook');
  };

  return {
    apiUrl,
    async createIntegrations(db) {
      const keys: Record<string, string> = { 'demo-dialogflow-cx': DIALOGFLOW_CX_KEY, 'demo-rasa': RASA_KEY, 'demo-lex': LEX_KEY };
      for (const name of ['demo-chatwoot', 'demo-sunshine', 'demo-dialogflow-cx', 'demo-rasa', 'demo-lex']) {
        const { rows } = await db.query('select 1 from integrations where name = $1', [name]);
        if (!rows[0]) await createIntegration(db, { name, team: 'support', ...(keys[name] && { key: keys[name] }) });
      }
    },
    platforms: [
      { name: 'demo-chatwoot', kind: 'chatwoot', apiUrl, tokenEnv: 'BATON_DEMO_CHATWOOT_TOKEN', webhookSecretEnv: 'BATON_DEMO_CHATWOOT_SECRET' },
      {
        name: 'demo-sunshine',
        kind: 'sunshine',
        apiUrl,
        keyId: SUNSHINE_KEY_ID,
        keySecretEnv: 'BATON_DEMO_SUNSHINE_KEY_SECRET',
        webhookSecretEnv: 'BATON_DEMO_SUNSHINE_SECRET',
        humanSwitchboardName: 'zd-agentWorkspace',
        botSwitchboardName: 'demo-helpbot',
      },
      { name: 'demo-dialogflow-cx', kind: 'dialogflow-cx', fulfillmentText: 'Connecting you with a specialist now.' },
      { name: 'demo-rasa', kind: 'rasa', apiUrl, tokenEnv: 'BATON_DEMO_RASA_TOKEN', resumeIntent: 'agent_handback' },
      { name: 'demo-lex', kind: 'lex' },
    ],
    async play(hubUrl) {
      const chatwoot = {
        event: 'conversation_status_changed',
        id: CHATWOOT_CONVERSATION,
        account_id: 1,
        inbox_id: 4,
        status: 'open',
        channel: 'Channel::WebWidget',
        meta: { sender: { id: 77, name: 'Lucía Fernández', email: 'lucia@example.com', identifier: 'cust-5521', type: 'contact' }, assignee: null },
        custom_attributes: { summary: 'Order #5521 arrived damaged; customer needs an express replacement before Friday.', handoff_reason: 'scope_limitation', priority: 'high', skills: 'accounts', order_id: '5521' },
        changed_attributes: [{ status: { previous_value: 'pending', current_value: 'open' } }],
        timestamp: Math.floor(Date.now() / 1000),
      };
      await post(`${hubUrl}/v1/ingress/chatwoot/demo-chatwoot`, chatwoot, (raw) => {
        const timestamp = String(Math.floor(Date.now() / 1000));
        return { 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-signature': `sha256=${createHmac('sha256', DEMO_PLATFORM_ENV.BATON_DEMO_CHATWOOT_SECRET).update(`${timestamp}.${raw}`).digest('hex')}` };
      });
      const sunshine = {
        app: { id: SUNSHINE_APP },
        webhook: { id: 'wh_demo', version: 'v2' },
        events: [
          {
            id: `evt_demo_${Date.now()}`,
            type: 'switchboard:passControl',
            createdAt: new Date().toISOString(),
            payload: {
              conversation: { id: SUNSHINE_CONVERSATION, type: 'personal', activeSwitchboardIntegration: { id: 'sbi_agent', name: 'zd-agentWorkspace', integrationType: 'zd:agentWorkspace' } },
              metadata: { first_message_id: 'msg_demo_0', handoff_reason: 'customer_request', intent: 'account.change_phone', intent_confidence: 0.88, skills: 'accounts', bot_attempts: 'resend code; verify email' },
            },
          },
        ],
      };
      await post(`${hubUrl}/v1/ingress/sunshine/demo-sunshine`, sunshine, () => ({ 'x-api-key': DEMO_PLATFORM_ENV.BATON_DEMO_SUNSHINE_SECRET }));
      // The CX agent's "Live agent" page: its fulfillment has a liveAgentHandoff message and calls the webhook.
      const dialogflowCx = {
        detectIntentResponseId: `demo-${Date.now()}`,
        intentInfo: { lastMatchedIntent: 'projects/demo-project/locations/global/agents/demo-agent/intents/demo-intent', displayName: 'travel.rebook', confidence: 0.74 },
        pageInfo: { currentPage: 'projects/demo-project/locations/global/agents/demo-agent/flows/demo-flow/pages/live-agent', displayName: 'Live agent' },
        sessionInfo: { session: CX_SESSION, parameters: { customer_id: 'cust-8812', customer_name: 'Tomás Ruiz', booking_ref: 'QX7P2L' } },
        fulfillmentInfo: { tag: 'baton-handoff' },
        messages: [
          { text: { text: ['A rebooking across two airlines needs one of our travel agents. One moment.'] } },
          { liveAgentHandoff: { metadata: { handoff_reason: 'complexity', skills: 'accounts', bot_attempts: 'searched same-airline flights; offered a refund' } } },
        ],
        text: 'My connection was cancelled, I need to get to Lisbon today',
        payload: { transcript: [{ from: 'bot', text: 'Hi! I can help with bookings. What do you need?', at: ago(120).toISOString() }] },
        sentimentAnalysisResult: { score: -0.4, magnitude: 0.8 },
        languageCode: 'en',
      };
      await post(`${hubUrl}/v1/ingress/dialogflow-cx/demo-dialogflow-cx`, dialogflowCx, () => ({ authorization: `Bearer ${DIALOGFLOW_CX_KEY}` }));
      // The Rasa bot's handoff action posts its tracker.
      const at = (seconds: number) => ago(seconds).getTime() / 1000;
      const rasaTracker = {
        sender_id: `demo-rasa-${Date.now()}`,
        slots: { customer_id: 'cust-4410', customer_name: 'Jonas Weber', plan: 'business' },
        latest_message: { intent: { name: 'talk_to_human', confidence: 0.95 }, text: 'Can I talk to someone, please?' },
        latest_input_channel: 'socketio',
        events: [
          { event: 'action', timestamp: at(300), name: 'action_session_start' },
          { event: 'session_started', timestamp: at(300) },
          { event: 'user', timestamp: at(290), text: 'Our invoices show VAT twice since the plan change.', parse_data: { intent: { name: 'billing_question', confidence: 0.82 } } },
          { event: 'action', timestamp: at(289), name: 'action_lookup_invoices' },
          { event: 'bot', timestamp: at(288), text: 'I found 2 invoices since the change. Is it these?' },
          { event: 'user', timestamp: at(240), text: 'Yes, and the refund form keeps failing.', parse_data: { intent: { name: 'report_bug', confidence: 0.77 } } },
          { event: 'action', timestamp: at(239), name: 'action_default_fallback' },
          { event: 'bot', timestamp: at(238), text: 'Sorry, I could not submit the refund form for you.' },
          { event: 'user', timestamp: at(200), text: 'Can I talk to someone, please?', parse_data: { intent: { name: 'talk_to_human', confidence: 0.95 } } },
          { event: 'action', timestamp: at(199), name: 'action_handoff' },
        ],
      };
      await post(`${hubUrl}/v1/ingress/rasa/demo-rasa`, rasaTracker, () => ({ authorization: `Bearer ${RASA_KEY}` }));
      // The Lex bot's TalkToAgent fulfillment Lambda forwards its input event, as on an Amazon Connect call.
      const lexEvent = {
        messageVersion: '1.0',
        invocationSource: 'FulfillmentCodeHook',
        inputMode: 'Speech',
        responseContentType: 'text/plain; charset=utf-8',
        sessionId: `demo-contact-${Date.now()}`,
        inputTranscript: 'my internet has been down since this morning and the reset did not help',
        bot: { id: 'DEMOBOT001', name: 'ConnectSupportBot', aliasId: 'TSTALIASID', aliasName: 'TestBotAlias', localeId: 'en_US', version: 'DRAFT' },
        interpretations: [
          {
            intent: { name: 'TalkToAgent', slots: { ServiceType: { shape: 'Scalar', value: { originalValue: 'internet', interpretedValue: 'Broadband', resolvedValues: ['Broadband'] } } }, state: 'ReadyForFulfillment', confirmationState: 'None' },
            nluConfidence: 0.89,
            sentimentResponse: { sentiment: 'NEGATIVE', sentimentScore: { positive: 0.02, negative: 0.9, neutral: 0.06, mixed: 0.02 } },
          },
        ],
        sessionState: {
          sessionAttributes: { customer_id: 'cust-9034', customer_name: 'Amara Okafor', handoff_reason: 'complexity', bot_attempts: 'line test; router reset', skills: 'accounts' },
          intent: { name: 'TalkToAgent', slots: { ServiceType: { shape: 'Scalar', value: { originalValue: 'internet', interpretedValue: 'Broadband', resolvedValues: ['Broadband'] } } }, state: 'ReadyForFulfillment', confirmationState: 'None' },
        },
      };
      await post(`${hubUrl}/v1/ingress/lex/demo-lex`, lexEvent, () => ({ authorization: `Bearer ${LEX_KEY}` }));
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
