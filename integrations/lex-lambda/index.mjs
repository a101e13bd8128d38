/* global fetch, AbortSignal, process, console -- Node's own, in the Lambda runtime */
// Amazon Lex V2 → Baton: the Lambda of the bot's handoff intent. It forwards the Lex V2 Lambda
// input event unchanged to the Baton hub and closes the intent with a "connecting you" message.
// No dependencies: Node's own fetch (Lambda runtimes nodejs20.x and later).
//
// Environment:
//   BATON_INGRESS_URL      https://<your hub>/v1/ingress/lex/<integration>
//   BATON_INTEGRATION_KEY  the integration's key (sent as Authorization: Bearer)
//   BATON_CONNECTING_TEXT  optional: what the customer hears (default below)
//   BATON_FAILED_TEXT      optional: what the customer hears when the hub cannot be reached
//   BATON_TIMEOUT_MS       optional: how long to wait for the hub (default 5000)

const CONNECTING = 'Connecting you with a person now.';
const FAILED = 'Sorry, I cannot reach a person right now. Please try again in a few minutes.';

/** Sends the event to the hub; the handoff's id, or an Error saying why not. */
async function forward(event, env) {
  const url = env.BATON_INGRESS_URL;
  const key = env.BATON_INTEGRATION_KEY;
  if (!url || !key) return new Error('BATON_INGRESS_URL and BATON_INTEGRATION_KEY must be set');
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(Number(env.BATON_TIMEOUT_MS) || 5000),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) return new Error(`the hub answered ${response.status}: ${body?.error?.message ?? ''}`);
    return typeof body?.handoff?.id === 'string' ? body.handoff.id : new Error('the hub answered without a handoff');
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The Lex V2 Lambda response: the intent closed (Fulfilled, or Failed when the hub was not reached), one message. */
export async function handler(event, _context, env = process.env) {
  const result = await forward(event, env);
  const failed = result instanceof Error;
  if (failed) console.error(`Baton handoff not delivered: ${result.message}`);
  const state = event?.sessionState ?? {};
  return {
    sessionState: {
      ...state,
      sessionAttributes: { ...state.sessionAttributes, ...(!failed && { baton_handoff_id: result }) },
      dialogAction: { type: 'Close' },
      intent: { ...state.intent, name: state.intent?.name, state: failed ? 'Failed' : 'Fulfilled' },
    },
    messages: [{ contentType: 'PlainText', content: failed ? env.BATON_FAILED_TEXT || FAILED : env.BATON_CONNECTING_TEXT || CONNECTING }],
  };
}
