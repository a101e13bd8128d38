import type { ContextPacket, Speaker } from '../../shared/protocol/index.ts';

/**
 * Realistic conversations for the demo bot. Turn times are "seconds before the handoff" so every
 * packet can be stamped fresh and look live. The order is chosen so the first seven cover every
 * trigger reason and the first six every channel: a new user sees the variety within a minute.
 * No `team`: the integration's default team routes them. Skills are only ones demo agents have.
 */
export interface DemoConversation {
  /** The helpdesk conversation number, in `source.conversationUrl`. */
  number: number;
  packet: Omit<ContextPacket, 'transcript' | 'source'>;
  turns: Array<{ from: Speaker; ago: number; text: string }>;
}

export const DEMO_CONVERSATIONS: readonly DemoConversation[] = [
  {
    number: 10442,
    packet: {
      summary: 'Customer was charged twice for the March invoice and wants the duplicate refunded.',
      coreIssue: 'Duplicate charge on invoice INV-2291',
      trigger: { reason: 'scope_limitation', detail: 'Refunds need an agent with billing access' },
      intent: { name: 'billing.refund_request', confidence: 0.91 },
      sentiment: { score: -0.4, frustration: 0.55 },
      customer: { id: 'cus_8812', name: 'Dana Whitfield', email: 'dana@example.com', tier: 'pro', locale: 'en-US', authenticated: true },
      channel: 'chat',
      priority: 'high',
      skills: ['billing'],
      language: 'en',
      botAttempts: [
        { step: 'lookup_invoice', outcome: 'found two captured payments of 49.00' },
        { step: 'self_service_refund', outcome: 'not allowed for card payments' },
      ],
      metadata: { plan: 'pro-annual', mrr: 49, invoice: 'INV-2291' },
    },
    turns: [
      { from: 'customer', ago: 95, text: 'Hi, I was charged twice this month.' },
      { from: 'bot', ago: 93, text: 'Sorry about that! Can you tell me the invoice number?' },
      { from: 'customer', ago: 61, text: 'INV-2291. Both charges are 49.00.' },
      { from: 'bot', ago: 58, text: 'I can see two payments for INV-2291. A refund needs a billing specialist, let me bring one in.' },
      { from: 'customer', ago: 12, text: 'Ok, thanks. Please make sure it goes back to the same card.' },
    ],
  },
  {
    number: 10518,
    packet: {
      summary: "Caller's store checkout has been failing for two hours; caller is very upset and threatening to cancel.",
      coreIssue: 'Checkout returns an error for every order since about 12:00',
      trigger: { reason: 'emotional_state', detail: 'High frustration detected in the last three turns' },
      intent: { name: 'incident.checkout_down', confidence: 0.74 },
      sentiment: { score: -0.9, frustration: 0.95 },
      customer: { id: 'cus_1203', name: 'Marcus Oyelaran', tier: 'enterprise', locale: 'en-GB', authenticated: true },
      channel: 'voice',
      priority: 'urgent',
      skills: ['technical'],
      language: 'en',
      botAttempts: [
        { step: 'status_page_check', outcome: 'no open incident' },
        { step: 'suggest_clear_cache', outcome: 'customer refused' },
      ],
      metadata: { callerNumber: '+44 20 7946 0321', ivrPath: 'support>technical', waitSeconds: 214, storeCount: 3 },
    },
    turns: [
      { from: 'system', ago: 180, text: 'Call answered by voice assistant (transcribed).' },
      { from: 'customer', ago: 170, text: 'Your checkout has been broken for two hours. We are losing sales!' },
      { from: 'bot', ago: 164, text: "I'm sorry. Our status page shows no incident. Have you tried clearing the cache?" },
      { from: 'customer', ago: 140, text: 'That is not the problem. Every single order fails with "payment session expired".' },
      { from: 'bot', ago: 133, text: 'I understand. Could you tell me which store is affected?' },
      { from: 'customer', ago: 20, text: 'All three of them. Get me a human now or we cancel.' },
    ],
  },
  {
    number: 10601,
    packet: {
      summary: 'Customer asks for CSV export of the audit log, needed for their SOC 2 review.',
      trigger: { reason: 'feature_request', detail: 'Requested capability does not exist' },
      intent: { name: 'product.feature_request', confidence: 0.88 },
      sentiment: { score: 0.1 },
      customer: { id: 'cus_4410', name: 'Priya Raman', email: 'priya@acme.test', tier: 'business', locale: 'en-IN', authenticated: false },
      channel: 'email',
      priority: 'normal',
      language: 'en',
      botAttempts: [{ step: 'kb_article:audit-log', outcome: 'sent; customer replied it does not cover export' }],
      metadata: { subject: 'Audit log export for SOC 2', deadline: 'Friday' },
    },
    turns: [
      { from: 'customer', ago: 3_600, text: 'Is there a way to export the audit log as CSV? Our auditors need it by Friday.' },
      { from: 'bot', ago: 3_597, text: 'Audit logs can be viewed under Settings > Security, but export is not available yet. This article shows how to filter them.' },
      { from: 'customer', ago: 40, text: 'Thanks, but we really need a file we can hand to the auditors. Can someone help or put this on the roadmap?' },
    ],
  },
  {
    number: 10655,
    packet: {
      summary: 'Mobile app crashes when opening a shared board from a notification (Android 15).',
      coreIssue: 'Crash on deep link from the "board shared with you" notification',
      trigger: { reason: 'bug_report', detail: 'Reproducible crash reported with device details' },
      intent: { name: 'product.bug_report', confidence: 0.8 },
      sentiment: { score: -0.3, frustration: 0.4 },
      customer: { name: '@jules_builds', authenticated: false },
      channel: 'social',
      priority: 'normal',
      language: 'en',
      botAttempts: [{ step: 'suggest_app_update', outcome: 'already on the latest version (7.12.0)' }],
      metadata: { network: 'x', appVersion: '7.12.0', device: 'Pixel 8', os: 'Android 15', public: false },
    },
    turns: [
      { from: 'customer', ago: 300, text: "app crashes every time I tap the 'board shared with you' notification. pixel 8, android 15" },
      { from: 'bot', ago: 295, text: 'Thanks for reporting! Are you on the latest version of the app?' },
      { from: 'customer', ago: 240, text: 'yes 7.12.0' },
      { from: 'bot', ago: 236, text: 'Does it also crash when you open the board from inside the app?' },
      { from: 'customer', ago: 30, text: 'no, only from the notification' },
    ],
  },
  {
    number: 10702,
    packet: {
      summary: 'Customer replying to a renewal reminder by SMS wants a person to move their renewal date.',
      trigger: { reason: 'customer_request', detail: 'Customer asked for a person twice' },
      intent: { name: 'billing.change_renewal_date', confidence: 0.67 },
      sentiment: { score: -0.1, frustration: 0.2 },
      customer: { id: 'cus_5120', name: 'Aroha Ngata', tier: 'starter', locale: 'en-NZ', authenticated: true },
      channel: 'sms',
      priority: 'low',
      skills: ['billing'],
      language: 'en',
      botAttempts: [{ step: 'send_billing_settings_link', outcome: 'customer asked for a person instead' }],
      metadata: { phoneVerified: true, renewalDate: '2026-12-01', campaign: 'renewal-reminder-14d' },
    },
    turns: [
      { from: 'bot', ago: 900, text: 'Reminder: your Starter plan renews on 1 Dec. Reply HELP for options.' },
      { from: 'customer', ago: 420, text: 'Can I push that to the 15th? Payday is later this month' },
      { from: 'bot', ago: 418, text: 'You can change your billing date in Settings > Billing: https://app.example.com/billing' },
      { from: 'customer', ago: 25, text: 'I tried, it only lets me pick the 1st. Can a person do it please' },
    ],
  },
  {
    number: 10733,
    packet: {
      summary: 'Message from the partner portal contact form that the bot could not classify: a reseller asks about co-marketing.',
      trigger: { reason: 'other', detail: 'No topic matched; low intent confidence' },
      intent: { name: 'unknown', confidence: 0.22 },
      customer: { name: 'Sven Lindqvist', email: 'sven@nordicsoft.test', locale: 'sv-SE', authenticated: false },
      channel: 'other',
      priority: 'low',
      language: 'en',
      metadata: { form: 'partner-portal-contact', company: 'Nordicsoft AB', country: 'SE' },
    },
    turns: [
      { from: 'customer', ago: 600, text: 'Hello, we resell your product in the Nordics and would like to discuss a joint webinar in Q1. Who should we talk to?' },
      { from: 'bot', ago: 598, text: "I'm not sure I understood. Are you asking about billing, your account, or a technical issue?" },
      { from: 'customer', ago: 45, text: 'None of those. Partnerships / marketing.' },
    ],
  },
  {
    number: 22817,
    packet: {
      summary: 'Developer asks why webhook retries arrive out of order when their endpoint returns 503.',
      coreIssue: 'Retried webhooks overtake newer ones after a 503',
      trigger: { reason: 'complexity', detail: 'Two knowledge-base answers were rejected by the customer' },
      intent: { name: 'developer.webhooks', confidence: 0.52 },
      sentiment: { score: -0.2, frustration: 0.35 },
      customer: { id: 'cus_7002', name: 'Tomás Ibáñez', tier: 'pro', locale: 'es-ES', authenticated: true },
      channel: 'chat',
      priority: 'normal',
      skills: ['technical'],
      language: 'es',
      botAttempts: [
        { step: 'kb_article:webhook-retries', outcome: 'rejected' },
        { step: 'kb_article:webhook-ordering', outcome: 'rejected' },
      ],
      metadata: { apiVersion: '2026-09-01', endpointHost: 'hooks.ibanez.dev' },
    },
    turns: [
      { from: 'customer', ago: 150, text: '¿Por qué los reintentos de webhooks llegan desordenados?' },
      { from: 'bot', ago: 148, text: 'Los webhooks se reintentan con espera exponencial. ¿Te ayuda este artículo?' },
      { from: 'customer', ago: 110, text: 'No, ya lo leí. Cuando devuelvo 503, el evento viejo llega después del nuevo.' },
      { from: 'bot', ago: 107, text: 'Puedes ordenar los eventos por el campo "at". ¿Te sirve este otro artículo?' },
      { from: 'customer', ago: 15, text: 'Tampoco. Necesito hablar con alguien técnico.' },
    ],
  },
  {
    number: 10790,
    packet: {
      summary: 'Customer asks a person to transfer account ownership to a colleague before she leaves the company.',
      coreIssue: 'Owner role transfer for workspace "Haddad Design"',
      trigger: { reason: 'customer_request', detail: 'Customer asked to speak with a person' },
      intent: { name: 'accounts.transfer_ownership', confidence: 0.83 },
      sentiment: { score: 0.2 },
      customer: { id: 'cus_3307', name: 'ليلى حداد', email: 'layla@haddad-design.test', tier: 'business', locale: 'ar-EG', authenticated: true },
      channel: 'chat',
      priority: 'normal',
      skills: ['accounts'],
      language: 'ar',
      botAttempts: [{ step: 'kb_article:transfer-ownership', outcome: 'customer prefers a person to do it' }],
      metadata: { workspace: 'Haddad Design', seats: 12, newOwner: 'omar@haddad-design.test' },
    },
    turns: [
      { from: 'customer', ago: 200, text: 'مرحبا، أريد نقل ملكية الحساب إلى زميلي عمر قبل مغادرتي الشركة.' },
      { from: 'bot', ago: 197, text: 'يمكنك نقل الملكية من الإعدادات ← الأعضاء. هل تريد الرابط؟' },
      { from: 'customer', ago: 35, text: 'جربت ذلك ولا يظهر الخيار. أريد التحدث مع موظف من فضلك.' },
    ],
  },
  {
    number: 10815,
    packet: {
      summary: 'Admin locked out after failed sign-ins on payroll day; very stressed, payroll must run today.',
      coreIssue: 'Account locked after 5 failed sign-ins; password reset email not arriving',
      trigger: { reason: 'emotional_state', detail: 'Customer wrote in capitals and mentioned a deadline' },
      intent: { name: 'accounts.locked_out', confidence: 0.95 },
      sentiment: { score: -0.7, frustration: 0.85 },
      customer: { id: 'cus_9044', name: 'Grace Mwangi', email: 'grace.mwangi@example.com', tier: 'pro', locale: 'en-KE', authenticated: false },
      channel: 'email',
      priority: 'high',
      skills: ['accounts'],
      language: 'en',
      botAttempts: [
        { step: 'send_password_reset', outcome: 'sent twice; customer reports nothing received' },
        { step: 'check_email_bounces', outcome: 'no bounce recorded' },
      ],
      metadata: { lockedUntil: 'manual unlock', failedAttempts: 5 },
    },
    turns: [
      { from: 'customer', ago: 1_800, text: 'I am locked out of the admin account and payroll has to run TODAY.' },
      { from: 'bot', ago: 1_795, text: 'I have sent a password reset link to grace.mwangi@example.com.' },
      { from: 'customer', ago: 900, text: 'NOTHING ARRIVED. I checked spam. 40 people will not get paid if this is not fixed.' },
      { from: 'bot', ago: 895, text: 'I have sent another link. It can take a few minutes.' },
      { from: 'customer', ago: 50, text: 'Still nothing. Please, I need a real person.' },
    ],
  },
  {
    number: 10847,
    packet: {
      summary: 'Invoice PDFs show 19% VAT for a customer with a reduced 7% rate since October.',
      coreIssue: 'Wrong VAT rate printed on invoice PDFs (totals charged are correct)',
      trigger: { reason: 'bug_report', detail: 'Charged amount and PDF disagree' },
      intent: { name: 'billing.invoice_wrong', confidence: 0.78 },
      sentiment: { score: -0.3, frustration: 0.3 },
      customer: { id: 'cus_6150', name: 'Jürgen Böhm', email: 'j.boehm@verlag-boehm.test', tier: 'business', locale: 'de-DE', authenticated: true },
      channel: 'email',
      priority: 'high',
      skills: ['billing'],
      language: 'de',
      botAttempts: [{ step: 'regenerate_invoice_pdf', outcome: 'same 19% on the new PDF' }],
      metadata: { invoices: 'INV-3310, INV-3402', vatId: 'DE123456789', taxRate: 7 },
    },
    turns: [
      { from: 'customer', ago: 7_200, text: 'Guten Tag, auf unseren Rechnungen INV-3310 und INV-3402 stehen 19 % MwSt., wir haben seit Oktober 7 %.' },
      { from: 'bot', ago: 7_195, text: 'Ich habe die Rechnung INV-3402 neu erstellt. Bitte prüfen Sie das angehängte PDF.' },
      { from: 'customer', ago: 60, text: 'Das neue PDF zeigt wieder 19 %. Abgebucht wurde aber der richtige Betrag. Das ist ein Fehler bei Ihnen.' },
    ],
  },
  {
    number: 10880,
    packet: {
      summary: 'Caller wants all personal data deleted; identity must be verified by an agent first.',
      trigger: { reason: 'scope_limitation', detail: 'Data deletion requests need identity verification by staff' },
      intent: { name: 'accounts.data_deletion', confidence: 0.89 },
      sentiment: { score: 0 },
      customer: { id: 'cus_2281', name: 'Yuki Tanaka', tier: 'free', locale: 'ja-JP', authenticated: false },
      channel: 'voice',
      priority: 'normal',
      skills: ['accounts'],
      language: 'en',
      botAttempts: [{ step: 'verify_identity_by_sms', outcome: 'phone number on file is out of date' }],
      metadata: { callerNumber: '+81 3-5555-0142', requestType: 'erasure' },
    },
    turns: [
      { from: 'system', ago: 240, text: 'Call answered by voice assistant (transcribed).' },
      { from: 'customer', ago: 232, text: 'I would like my account and all my data deleted, please.' },
      { from: 'bot', ago: 226, text: 'I can help with that. I will send a verification code to the phone number on file ending in 88.' },
      { from: 'customer', ago: 205, text: 'That is my old number. I do not have it anymore.' },
      { from: 'bot', ago: 30, text: 'I understand. A colleague will verify your identity another way. Please stay on the line.' },
    ],
  },
  {
    number: 10912,
    packet: {
      summary: 'Instagram user asks for a dark mode in the mobile app.',
      trigger: { reason: 'feature_request' },
      intent: { name: 'product.feature_request', confidence: 0.93 },
      sentiment: { score: 0.5 },
      customer: { name: '@camille.dsgn', locale: 'fr-FR', authenticated: false },
      channel: 'social',
      priority: 'low',
      language: 'fr',
      metadata: { network: 'instagram', followers: 18_400 },
    },
    turns: [
      { from: 'customer', ago: 500, text: "J'adore l'app ! Est-ce qu'un mode sombre est prévu ? Je l'utilise beaucoup le soir 🌙" },
      { from: 'bot', ago: 497, text: "Merci ! Le mode sombre n'est pas encore disponible. Je transmets votre idée à l'équipe." },
      { from: 'customer', ago: 70, text: 'Super, merci ! Vous pouvez me tenir au courant ?' },
    ],
  },
  {
    number: 10958,
    packet: {
      summary: 'Enterprise admin setting up SAML single sign-on gets "InvalidNameIDPolicy" from their identity provider.',
      coreIssue: 'SAML NameID format mismatch between IdP and service provider settings',
      trigger: { reason: 'complexity', detail: 'Configuration issue outside the bot\'s troubleshooting tree' },
      intent: { name: 'technical.sso_setup', confidence: 0.86 },
      sentiment: { score: -0.2, frustration: 0.3 },
      customer: { id: 'cus_1019', name: 'Nguyen Thi Mai', email: 'mai.nguyen@globex.test', tier: 'enterprise', locale: 'vi-VN', authenticated: true },
      channel: 'chat',
      priority: 'high',
      skills: ['technical'],
      language: 'en',
      botAttempts: [
        { step: 'kb_article:saml-setup', outcome: 'followed; same error' },
        { step: 'validate_metadata_xml', outcome: 'metadata valid' },
      ],
      metadata: { idp: 'Okta', seats: 850, rolloutDate: '2026-12-05' },
    },
    turns: [
      { from: 'customer', ago: 420, text: 'Our Okta SSO test fails with InvalidNameIDPolicy. Metadata is uploaded.' },
      { from: 'bot', ago: 417, text: 'Please check the setup guide: https://docs.example.com/sso/saml' },
      { from: 'customer', ago: 300, text: 'Followed it step by step. Same error. We roll out to 850 people next week.' },
      { from: 'bot', ago: 296, text: 'I validated your metadata XML and it looks correct. Let me bring in a specialist.' },
    ],
  },
  {
    number: 10990,
    packet: {
      summary: 'Customer texts about a gift card bought at a partner store that will not redeem; no bot topic covers partner gift cards.',
      trigger: { reason: 'other', detail: 'Partner gift cards are not in the bot\'s knowledge base' },
      intent: { name: 'billing.gift_card', confidence: 0.41 },
      sentiment: { score: -0.2, frustration: 0.25 },
      customer: { name: 'Luis Ortega', locale: 'es-MX', authenticated: false },
      channel: 'sms',
      priority: 'normal',
      language: 'es',
      metadata: { cardLast4: '7731', partner: 'TiendaMax' },
    },
    turns: [
      { from: 'customer', ago: 330, text: 'Hola, compré una tarjeta de regalo en TiendaMax y dice "código no válido"' },
      { from: 'bot', ago: 328, text: 'Lo siento, ¿puedes enviarme los últimos 4 dígitos del código?' },
      { from: 'customer', ago: 290, text: '7731' },
      { from: 'bot', ago: 287, text: 'No encuentro ese código en nuestro sistema. Te comunico con una persona.' },
    ],
  },
];

/**
 * A fresh packet for the `sequence`-th handoff the bot sends: conversations cycle, and each cycle
 * gets its own conversation number so repeats look like new customers' conversations.
 */
export function demoPacket(sequence: number, now: Date = new Date()): ContextPacket {
  const count = DEMO_CONVERSATIONS.length;
  const conversation = DEMO_CONVERSATIONS[sequence % count]!;
  const number = conversation.number + Math.floor(sequence / count) * 100_000;
  return {
    ...structuredClone(conversation.packet),
    transcript: conversation.turns.map((turn) => ({
      from: turn.from,
      text: turn.text,
      at: new Date(now.getTime() - turn.ago * 1000).toISOString(),
    })),
    source: {
      platform: 'helpdesk',
      conversationId: `conv-${number}`,
      conversationUrl: `https://helpdesk.example.com/conversations/${number}`,
    },
  };
}
