// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentView } from '../../shared/protocol/agent.ts';
import type { Handoff } from '../../shared/protocol/handoff.ts';
import type { TeamAgentView, TeamView } from '../../shared/protocol/lead.ts';
import type { ContextPacket } from '../../shared/protocol/packet.ts';
import { FULL_PACKET, ana, ben, makeHandoff } from '../support/console-fixtures.ts';
import { flushMicrotasks, resetStores, startConsole, type TestConsole } from '../support/console.ts';
import { renderConsole } from '../support/render-console.tsx';

const lee: AgentView = { ...ana, id: 'lee', name: 'Lee', role: 'lead', skills: [], capacity: 0 };
const TEAM: TeamView = { name: 'support', routing: 'push', offerTimeoutSeconds: 45, stalledQueueSeconds: 120, stalledAcceptedSeconds: 900 };

const withCustomer = (name: string, more: Partial<ContextPacket> = {}): Partial<ContextPacket> => ({ customer: { ...FULL_PACKET.customer, name }, ...more });

let consoles: TestConsole[] = [];
beforeEach(resetStores);
afterEach(() => {
  for (const c of consoles) c.controller.dispose();
  consoles = [];
});

function teamAgents(handoffs: Handoff[], lastAcceptedAt: string | null = null): TeamAgentView[] {
  const held = (id: string) => handoffs.filter((h) => h.status === 'accepted' && h.assignee?.id === id).map((h) => h.id);
  return [
    { ...ana, handoffIds: held(ana.id), load: held(ana.id).length, lastAcceptedAt },
    { ...ben, presence: 'away', handoffIds: held(ben.id), load: held(ben.id).length, lastAcceptedAt },
    { ...lee, handoffIds: [], load: 0, lastAcceptedAt: null },
  ];
}

/** A lead's console, connected the way the hub greets a lead: session, snapshot, team, agents. */
async function board(handoffs: Handoff[], options: { serverTime?: string; lastAcceptedAt?: string | null } = {}): Promise<TestConsole> {
  const c = await startConsole();
  consoles.push(c);
  c.hub.connectAs(lee, handoffs, options.serverTime);
  c.hub.emit('team:changed', { team: TEAM });
  c.hub.emit('agents:changed', { agents: teamAgents(handoffs, options.lastAcceptedAt ?? null) });
  await flushMicrotasks();
  renderConsole(c);
  return c;
}

const group = (name: 'Queued' | 'Offered' | 'Accepted') => screen.getByRole('region', { name: new RegExp(`^${name}`) });
const namesIn = (name: 'Queued' | 'Offered' | 'Accepted') => within(group(name)).queryAllByRole('listitem').map((li) => li.getAttribute('aria-label'));
const row = (customer: string) => screen.getByRole('listitem', { name: customer });
const reassignForm = () => screen.getByRole('form', { name: 'Reassign selected' });

function sample(now = Date.now()): Handoff[] {
  return [
    makeHandoff({ id: 'q1', now, packet: withCustomer('Quinn', { trigger: { reason: 'complexity' }, channel: 'chat', priority: 'high' }) }),
    makeHandoff({ id: 'o1', now, offerFor: ana.id, packet: withCustomer('Olga', { trigger: { reason: 'bug_report' }, channel: 'email', priority: 'low' }) }),
    makeHandoff({ id: 'a1', now, acceptedBy: ben, packet: withCustomer('Abel', { trigger: { reason: 'complexity' }, channel: 'voice', priority: 'urgent' }) }),
  ];
}

describe('the lead board', () => {
  it('shows every open handoff of the team by status, with priority, reason and time waiting', async () => {
    await board(sample());
    expect(namesIn('Queued')).toEqual(['Quinn']);
    expect(namesIn('Offered')).toEqual(['Olga']);
    expect(namesIn('Accepted')).toEqual(['Abel']);
    expect(row('Quinn')).toHaveTextContent('High');
    expect(row('Quinn')).toHaveTextContent('Complexity');
    expect(row('Quinn')).toHaveTextContent('Waiting 2 min');
    expect(row('Abel')).toHaveTextContent('With Ben Okafor');
  });

  it('filters by reason, channel, priority and agent', async () => {
    await board(sample());
    const filters = screen.getByRole('group', { name: 'Filters' });
    await userEvent.selectOptions(within(filters).getByRole('combobox', { name: 'Reason' }), 'Complexity');
    expect([...namesIn('Queued'), ...namesIn('Offered'), ...namesIn('Accepted')]).toEqual(['Quinn', 'Abel']);
    await userEvent.selectOptions(within(filters).getByRole('combobox', { name: 'Channel' }), 'Voice');
    expect([...namesIn('Queued'), ...namesIn('Accepted')]).toEqual(['Abel']);
    await userEvent.selectOptions(within(filters).getByRole('combobox', { name: 'Reason' }), 'Any reason');
    await userEvent.selectOptions(within(filters).getByRole('combobox', { name: 'Channel' }), 'Any channel');
    await userEvent.selectOptions(within(filters).getByRole('combobox', { name: 'Priority' }), 'Low');
    expect([...namesIn('Queued'), ...namesIn('Offered'), ...namesIn('Accepted')]).toEqual(['Olga']);
    await userEvent.selectOptions(within(filters).getByRole('combobox', { name: 'Priority' }), 'Any priority');
    await userEvent.selectOptions(within(filters).getByRole('combobox', { name: 'Agent' }), 'Ana Ruiz');
    // Ana holds nothing, but Olga's handoff is offered to her.
    expect([...namesIn('Queued'), ...namesIn('Offered'), ...namesIn('Accepted')]).toEqual(['Olga']);
  });

  it('highlights stalled work by the team’s targets on the hub’s clock, with a one-step Reassign', async () => {
    const local = Date.now();
    // The hub's clock is 10 minutes ahead: by it, Quinn has waited 10 min (stalled, target 2 min) and Olga 50 s.
    const handoffs = [
      makeHandoff({ id: 'q1', packet: withCustomer('Quinn'), createdAt: new Date(local).toISOString() }),
      makeHandoff({ id: 'o1', offerFor: ana.id, packet: withCustomer('Olga'), createdAt: new Date(local + 550_000).toISOString() }),
    ];
    const c = await board(handoffs, { serverTime: new Date(local + 600_000).toISOString() });
    expect(row('Quinn')).toHaveAttribute('data-stalled', 'true');
    expect(row('Quinn')).toHaveTextContent('Stalled: nobody has taken it');
    expect(row('Olga')).toHaveAttribute('data-stalled', 'false');
    expect(within(row('Olga')).queryByRole('button', { name: 'Reassign' })).toBeNull();

    await userEvent.click(within(row('Quinn')).getByRole('button', { name: 'Reassign' }));
    expect(within(reassignForm()).getByText('1 selected')).toBeInTheDocument();
    await userEvent.click(within(reassignForm()).getByRole('button', { name: 'Reassign' }));
    expect(c.hub.commands().map((s) => [s.command, s.payload])).toEqual([['handoffs:reassign', { handoffIds: ['q1'], to: { queue: true } }]]);
  });

  it('reassigns several handoffs to an agent with one handoffs:reassign, and the board follows the hub live', async () => {
    const handoffs = sample();
    const c = await board(handoffs);
    expect(within(reassignForm()).getByRole('button', { name: 'Reassign' })).toBeDisabled();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select Quinn' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select Olga' }));
    await userEvent.selectOptions(within(reassignForm()).getByRole('combobox', { name: 'To' }), 'ana');
    await userEvent.type(within(reassignForm()).getByRole('textbox', { name: 'Note' }), 'Ana knows these customers');
    await userEvent.click(within(reassignForm()).getByRole('button', { name: 'Reassign' }));

    expect(c.hub.commands().map((s) => [s.command, s.payload])).toEqual([
      ['handoffs:reassign', { handoffIds: ['q1', 'o1'], to: { agentId: 'ana' }, note: 'Ana knows these customers' }],
    ]);
    expect(within(reassignForm()).getByText('0 selected')).toBeInTheDocument();

    // The hub tells the lead what changed; the board moves them without a reload.
    const moved = handoffs.map((h) => (h.id === 'a1' ? h : { ...h, status: 'accepted' as const, assignee: { id: ana.id, name: ana.name }, offer: null }));
    act(() => {
      for (const h of moved.slice(0, 2)) c.hub.emit('handoff:changed', { handoff: h });
      c.hub.emit('agents:changed', { agents: teamAgents(moved) });
    });
    expect(namesIn('Queued')).toEqual([]);
    expect(namesIn('Offered')).toEqual([]);
    expect(namesIn('Accepted')).toEqual(['Quinn', 'Olga', 'Abel']);
    const anaCard = within(screen.getByRole('region', { name: /^Agents/ })).getByRole('listitem', { name: 'Ana Ruiz' });
    expect(anaCard).toHaveTextContent('2/3');
    expect(anaCard).toHaveTextContent('Quinn');
    expect(anaCard).toHaveTextContent('Olga');
  });

  it('shows a refusal of the hub instead of pretending it moved', async () => {
    const c = await board(sample());
    c.hub.respond = () => ({ ok: true, handoffs: [], failures: [{ handoffId: 'q1', error: { code: 'invalid_state', message: 'This handoff was resolved.' } }] });
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select Quinn' }));
    await userEvent.click(within(reassignForm()).getByRole('button', { name: 'Reassign' }));
    expect(await within(reassignForm()).findByRole('alert')).toHaveTextContent('This handoff was resolved.');
  });

  it('lists the agents with presence, load against capacity, their handoffs and time since their last accept', async () => {
    const now = Date.now();
    await board(sample(now), { lastAcceptedAt: new Date(now - 5 * 60_000).toISOString() });
    const agents = within(screen.getByRole('region', { name: /^Agents/ }));
    const benCard = agents.getByRole('listitem', { name: 'Ben Okafor' });
    expect(benCard).toHaveTextContent('away');
    expect(benCard).toHaveTextContent('1/3');
    expect(benCard).toHaveTextContent('Abel');
    expect(benCard).toHaveTextContent('Last accept: 5 min ago');
    expect(agents.getByRole('listitem', { name: 'Lee' })).toHaveTextContent('Lead');
  });
});

describe('the lead’s controls on the agents panel', () => {
  const agentsPanel = () => within(screen.getByRole('region', { name: /^Agents/ }));
  const presenceOf = (name: string) => agentsPanel().getByRole('combobox', { name: `Presence of ${name}` });

  /** Lee's board where the hub answers the lead commands as `answer` says. */
  async function boardAnswering(answer: (command: string, payload: Record<string, unknown>) => unknown): Promise<TestConsole> {
    const c = await board([]);
    c.hub.respond = (command, payload) => answer(command, payload);
    return c;
  }

  it('sets an agent’s presence with agent:setPresence, and the card follows agents:changed', async () => {
    const c = await boardAnswering((_command, payload) => ({ ok: true, agent: { ...ben, presence: payload.status } }));
    expect(presenceOf('Ben Okafor')).toHaveValue('away');
    expect(agentsPanel().queryByRole('combobox', { name: 'Presence of Lee' })).toBeNull(); // Lee has the top bar's
    await userEvent.selectOptions(presenceOf('Ben Okafor'), 'Available');
    expect(c.hub.commands().map((s) => [s.command, s.payload])).toEqual([['agent:setPresence', { agentId: 'ben', status: 'available' }]]);
    expect(presenceOf('Ben Okafor')).toHaveValue('available');
    expect(agentsPanel().getByRole('listitem', { name: 'Ben Okafor' })).toHaveTextContent('available');

    // Ben closes his app: the hub says so, and the card shows it.
    act(() => c.hub.emit('agents:changed', { agents: teamAgents([]).map((a) => (a.id === 'ben' ? { ...a, presence: 'offline' } : a)) }));
    expect(presenceOf('Ben Okafor')).toHaveValue('offline');
  });

  it('shows the hub’s refusal of a presence change in plain words', async () => {
    await boardAnswering(() => ({ ok: false, error: { code: 'forbidden', message: 'Ben Okafor is not in your team (support).' } }));
    await userEvent.selectOptions(presenceOf('Ben Okafor'), 'Offline');
    expect(await agentsPanel().findByRole('alert')).toHaveTextContent('Could not change Ben Okafor’s presence: Ben Okafor is not in your team (support).');
    expect(presenceOf('Ben Okafor')).toHaveValue('away');
  });

  async function openRouting() {
    await userEvent.click(agentsPanel().getByText('Routing and capacity'));
    return within(screen.getByRole('form', { name: 'Team routing' }));
  }

  it('sends only the settings the lead changed with team:configure, and shows the team as the hub then has it', async () => {
    const c = await boardAnswering((_command, payload) => {
      const sent = payload as { routing?: 'push' | 'broadcast'; offerTimeoutSeconds?: number; capacity?: Array<{ agentId: string; capacity: number }>; skills?: Array<{ agentId: string; skills: string[] }> };
      const agents = teamAgents([]).map((a) => ({
        ...a,
        capacity: sent.capacity?.find((e) => e.agentId === a.id)?.capacity ?? a.capacity,
        skills: sent.skills?.find((e) => e.agentId === a.id)?.skills ?? a.skills,
      }));
      return { ok: true, team: { ...TEAM, routing: sent.routing ?? TEAM.routing, offerTimeoutSeconds: sent.offerTimeoutSeconds ?? TEAM.offerTimeoutSeconds }, agents };
    });
    const form = await openRouting();
    expect(form.getByRole('radio', { name: /^Push/ })).toBeChecked();
    expect(form.getByRole('spinbutton', { name: 'Offer timeout (seconds)' })).toHaveValue(45);
    expect(form.getByRole('spinbutton', { name: 'Stalled after waiting (seconds)' })).toHaveValue(120);
    expect(form.getByRole('spinbutton', { name: 'Stalled without action (seconds)' })).toHaveValue(900);
    expect(form.getByRole('spinbutton', { name: 'Capacity of Ana Ruiz' })).toHaveValue(3);
    expect(form.getByRole('textbox', { name: 'Skills of Ana Ruiz' })).toHaveValue('billing');
    expect(form.queryByRole('spinbutton', { name: 'Capacity of Lee' })).toBeNull();

    await userEvent.click(form.getByRole('radio', { name: /^Broadcast/ }));
    await userEvent.clear(form.getByRole('spinbutton', { name: 'Offer timeout (seconds)' }));
    await userEvent.type(form.getByRole('spinbutton', { name: 'Offer timeout (seconds)' }), '30');
    await userEvent.clear(form.getByRole('spinbutton', { name: 'Capacity of Ben Okafor' }));
    await userEvent.type(form.getByRole('spinbutton', { name: 'Capacity of Ben Okafor' }), '5');
    await userEvent.type(form.getByRole('textbox', { name: 'Skills of Ana Ruiz' }), ', technical, billing');
    // Typed and typed back: not a change, so not sent.
    await userEvent.clear(form.getByRole('spinbutton', { name: 'Stalled after waiting (seconds)' }));
    await userEvent.type(form.getByRole('spinbutton', { name: 'Stalled after waiting (seconds)' }), '120');
    await userEvent.click(form.getByRole('button', { name: 'Save routing' }));

    expect(c.hub.commands().map((s) => [s.command, s.payload])).toEqual([
      [
        'team:configure',
        {
          routing: 'broadcast',
          offerTimeoutSeconds: 30,
          capacity: [{ agentId: 'ben', capacity: 5 }],
          skills: [{ agentId: 'ana', skills: ['billing', 'technical'] }],
        },
      ],
    ]);
    expect(await form.findByRole('status')).toHaveTextContent('Saved.');
    expect(form.getByRole('radio', { name: /^Broadcast/ })).toBeChecked();
    expect(form.getByRole('spinbutton', { name: 'Offer timeout (seconds)' })).toHaveValue(30);
    expect(form.getByRole('spinbutton', { name: 'Capacity of Ben Okafor' })).toHaveValue(5);
    expect(form.getByRole('textbox', { name: 'Skills of Ana Ruiz' })).toHaveValue('billing, technical');
  });

  it('follows team:changed and agents:changed in the fields the lead is not editing', async () => {
    const c = await board([]);
    const form = await openRouting();
    await userEvent.clear(form.getByRole('spinbutton', { name: 'Stalled after waiting (seconds)' }));
    await userEvent.type(form.getByRole('spinbutton', { name: 'Stalled after waiting (seconds)' }), '300');
    // Another lead changes the settings meanwhile.
    act(() => {
      c.hub.emit('team:changed', { team: { ...TEAM, routing: 'broadcast', offerTimeoutSeconds: 60, stalledQueueSeconds: 200 } });
      c.hub.emit('agents:changed', { agents: teamAgents([]).map((a) => (a.id === 'ana' ? { ...a, capacity: 4, skills: ['accounts'] } : a)) });
    });
    expect(form.getByRole('radio', { name: /^Broadcast/ })).toBeChecked();
    expect(form.getByRole('spinbutton', { name: 'Offer timeout (seconds)' })).toHaveValue(60);
    expect(form.getByRole('spinbutton', { name: 'Capacity of Ana Ruiz' })).toHaveValue(4);
    expect(form.getByRole('textbox', { name: 'Skills of Ana Ruiz' })).toHaveValue('accounts');
    expect(form.getByRole('spinbutton', { name: 'Stalled after waiting (seconds)' })).toHaveValue(300);
  });

  it('shows the hub’s refusal naming the field, and does not send what is not a number or not a change', async () => {
    let answer: unknown = { ok: false, error: { code: 'invalid_command', message: 'Invalid team:configure', issues: [{ path: 'offerTimeoutSeconds', message: 'Too big: expected number to be <=86400' }] } };
    const c = await boardAnswering(() => answer);
    const form = await openRouting();
    const timeout = form.getByRole('spinbutton', { name: 'Offer timeout (seconds)' });

    await userEvent.click(form.getByRole('button', { name: 'Save routing' }));
    expect(form.getByRole('alert')).toHaveTextContent('Nothing to save: no setting was changed.');
    await userEvent.clear(timeout);
    await userEvent.click(form.getByRole('button', { name: 'Save routing' }));
    expect(form.getByRole('alert')).toHaveTextContent('Offer timeout (seconds): enter a number of seconds.');
    expect(timeout).toHaveAttribute('aria-invalid', 'true');
    expect(c.hub.commands()).toEqual([]);

    await userEvent.type(timeout, '100000');
    await userEvent.click(form.getByRole('button', { name: 'Save routing' }));
    expect(await form.findByRole('alert')).toHaveTextContent('Offer timeout (seconds): Too big: expected number to be <=86400');
    expect(timeout).toHaveAttribute('aria-invalid', 'true');
    expect(timeout).toHaveValue(100000); // what the lead typed stays, to correct it

    answer = { ok: false, error: { code: 'invalid_command', message: 'Invalid team:configure', issues: [{ path: 'capacity.0.capacity', message: 'Too big: expected number to be <=100' }] } };
    await userEvent.clear(timeout);
    await userEvent.type(timeout, '45');
    await userEvent.clear(form.getByRole('spinbutton', { name: 'Capacity of Ben Okafor' }));
    await userEvent.type(form.getByRole('spinbutton', { name: 'Capacity of Ben Okafor' }), '500');
    await userEvent.click(form.getByRole('button', { name: 'Save routing' }));
    expect(await form.findByRole('alert')).toHaveTextContent('Capacity of Ben Okafor: Too big: expected number to be <=100');
    expect(form.getByRole('spinbutton', { name: 'Capacity of Ben Okafor' })).toHaveAttribute('aria-invalid', 'true');
    expect(timeout).not.toHaveAttribute('aria-invalid');

    answer = { ok: false, error: { code: 'forbidden', message: 'Only a team lead can change a team’s settings.' } };
    await userEvent.click(form.getByRole('button', { name: 'Save routing' }));
    expect(await form.findByText('Only a team lead can change a team’s settings.')).toHaveAttribute('role', 'alert');
    expect(c.hub.commands().map((s) => s.payload)).toEqual([{ offerTimeoutSeconds: 100000 }, { capacity: [{ agentId: 'ben', capacity: 500 }] }, { capacity: [{ agentId: 'ben', capacity: 500 }] }]);
  });
});

describe('the agent a lead gave a handoff', () => {
  it('sees “Reassigned to you by Lee” with the note, as text', async () => {
    const c = await startConsole();
    consoles.push(c);
    c.hub.connectAs(ana, []);
    await flushMicrotasks();
    renderConsole(c);
    const handoff = makeHandoff({ id: 'r1', acceptedBy: ana, packet: withCustomer('Rita') });
    act(() => {
      c.hub.emit('handoff:changed', { handoff });
      c.hub.emit('handoff:reassigned', { handoff, by: { id: 'lee', name: 'Lee' }, note: '<b>Rita</b> spoke to you last week' });
    });
    const banner = screen.getByRole('status', { name: 'Reassigned: Rita' });
    expect(banner).toHaveTextContent('Reassigned to you by Lee');
    expect(banner).toHaveTextContent('<b>Rita</b> spoke to you last week');
    expect(banner.querySelector('b')).toBeNull();
    await userEvent.click(within(banner).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('status', { name: 'Reassigned: Rita' })).toBeNull();
  });
});
