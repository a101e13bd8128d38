// The demo hub plays one Chatwoot and one Sunshine Conversations conversation against its
// built-in stand-ins for their APIs, one Dialogflow CX webhook call, one Rasa handoff action and one Amazon Lex V2 Lambda event, so `npm start` shows where
// platform handoffs come from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoHub, type RunningDemoHub } from '../../hub/hub.ts';
import type { Handoff } from '../../shared/protocol/index.ts';

let hub: RunningDemoHub;
beforeAll(async () => {
  hub = await startDemoHub({ port: 0 });
});
afterAll(() => hub?.close());

describe('the demo hub', () => {
  it('hands off a Chatwoot, a Sunshine Conversations, a Dialogflow CX, a Rasa and an Amazon Lex conversation with their transcripts and customers, read from the stand-in APIs', async () => {
    const platformHandoffs = async () => {
      const { rows } = await hub.db.query<{ packet: Handoff['packet'] }>(`select packet from handoffs where platform_conversation is not null order by created_at`);
      return rows.map((r) => r.packet);
    };
    await expect.poll(async () => (await platformHandoffs()).map((p) => p.source?.platform).sort(), { timeout: 20_000, interval: 250 }).toEqual(['chatwoot', 'dialogflow-cx', 'lex', 'rasa', 'sunshine']);
    const all = await platformHandoffs();
    const cw = all.find((p) => p.source?.platform === 'chatwoot')!;
    expect(cw.customer?.name).toBe('Lucía Fernández');
    expect(cw.source?.conversationUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/app\/accounts\/1\/conversations\/2048$/);
    expect(cw.transcript?.length).toBe(5);
    const sc = all.find((p) => p.source?.platform === 'sunshine')!;
    expect(sc.customer).toMatchObject({ id: 'acct-3310', name: 'Priya Natarajan' });
    expect(sc.transcript?.map((t) => t.from)).toEqual(['customer', 'bot', 'customer', 'bot']);
    const cx = all.find((p) => p.source?.platform === 'dialogflow-cx')!;
    expect(cx).toMatchObject({ customer: { id: 'cust-8812', name: 'Tomás Ruiz' }, intent: { name: 'travel.rebook', confidence: 0.74 }, trigger: { reason: 'complexity' } });
    expect(cx.transcript?.map((t) => t.from)).toEqual(['bot', 'customer', 'bot']);
    const rasa = all.find((p) => p.source?.platform === 'rasa')!;
    expect(rasa).toMatchObject({ customer: { id: 'cust-4410', name: 'Jonas Weber' }, intent: { name: 'report_bug' }, trigger: { reason: 'customer_request' } });
    expect(rasa.botAttempts).toEqual([{ step: 'action_lookup_invoices' }, { step: 'action_default_fallback' }]);
    expect(rasa.transcript).toHaveLength(5);
    const lex = all.find((p) => p.source?.platform === 'lex')!;
    expect(lex).toMatchObject({ customer: { id: 'cust-9034', name: 'Amara Okafor' }, intent: { name: 'TalkToAgent', confidence: 0.89 }, channel: 'voice', metadata: { slot_ServiceType: 'Broadband' } });
  }, 30_000);
});
