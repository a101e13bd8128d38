import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerEventPayload } from '../../shared/protocol/socket.ts';
import { conflictsStore } from '../../renderer/state/conflicts.ts';
import { handoffsStore } from '../../renderer/state/handoffs.ts';
import { applyProductChange, productNoticesStore } from '../../renderer/state/product-notices.ts';
import { productStore } from '../../renderer/state/product.ts';
import { sessionStore } from '../../renderer/state/session.ts';
import { clearSignedInState } from '../../renderer/state/signed-in.ts';
import { reassignedStore, teamStore } from '../../renderer/state/team.ts';
import { uiStore } from '../../renderer/state/ui.ts';
import { ana, makeHandoff, makeProductItem } from '../support/console-fixtures.ts';
import { REPO_ROOT } from '../support/fixtures.ts';

// Kept across sign-ins: the connection shows its own state, pending actions are cleared by the
// controller (and kept in storage), settings outlive the person.
const LEE = { id: 'lee', name: 'Lee' };
const KEPT_ACROSS_SIGN_INS = ['connection.ts', 'pending.ts', 'settings.ts'];

describe('what belongs to the person signed in', () => {
  it('every store in renderer/state is a signed-in store, unless it is one kept across sign-ins', () => {
    const dir = join(REPO_ROOT, 'renderer', 'state');
    const madeByHand = readdirSync(dir)
      .filter((name) => name !== 'signed-in.ts' && !KEPT_ACROSS_SIGN_INS.includes(name))
      .filter((name) => /\bcreateStore\b/.test(readFileSync(join(dir, name), 'utf8')));
    expect(madeByHand).toEqual([]);
  });

  it('is all forgotten at once, each store back to its initial state', () => {
    const stores = [conflictsStore, handoffsStore, productNoticesStore, productStore, sessionStore, teamStore, reassignedStore, uiStore];
    const initial = stores.map((store) => structuredClone(store.getInitialState()));
    const h1 = makeHandoff({ id: 'h1' });
    conflictsStore.setState({ messages: [{ id: 1, text: 'refused', handoffId: null }] });
    handoffsStore.setState({ byId: { h1 } });
    productStore.setState({ loaded: true, filters: { kind: 'bug_report', status: null } });
    sessionStore.setState({ agent: ana, clockOffsetMs: 500 });
    teamStore.setState({ agents: [{ ...ana, handoffIds: [], lastAcceptedAt: null }] });
    const news: ServerEventPayload<'product:changed'> = {
      item: makeProductItem({ status: 'planned' }),
      change: { from: 'new', to: 'planned', note: null, by: { kind: 'lead', ...LEE } },
      handoffIds: ['h1'],
    };
    expect(applyProductChange(news, ana)).not.toBeNull();
    expect(applyProductChange(news, ana)).toBeNull(); // told once
    reassignedStore.setState({ h1: { by: { id: 'lee', name: 'Lee' }, note: null, returned: false } });
    uiStore.setState({ selectedId: 'h1', view: 'settings' });
    expect(stores.map((store) => store.getState())).not.toEqual(initial);
    clearSignedInState();
    expect(stores.map((store) => store.getState())).toEqual(initial);
    // What the store's module keeps beside it is forgotten too: the next person is told afresh.
    expect(applyProductChange(news, ana)).not.toBeNull();
  });
});
