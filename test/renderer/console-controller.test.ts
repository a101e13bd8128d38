import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDeepLink } from '../../renderer/app/deep-links.ts';
import { wireDesktopPresence } from '../../renderer/app/desktop-presence.ts';
import { offerNotice } from '../../renderer/notifications/notices.ts';
import { connectionStore } from '../../renderer/state/connection.ts';
import { handoffsStore, selectMine } from '../../renderer/state/handoffs.ts';
import { PENDING_KEY, pendingStore } from '../../renderer/state/pending.ts';
import { sessionStore } from '../../renderer/state/session.ts';
import { DEFAULT_NOTIFICATIONS, TOKEN_KEY, settingsStore } from '../../renderer/state/settings.ts';
import { uiStore } from '../../renderer/state/ui.ts';
import { providerSignInStore } from '../../renderer/state/provider-sign-in.ts';
import { signInRequestStore } from '../../renderer/state/sign-in-request.ts';
import { ana, makeHandoff } from '../support/console-fixtures.ts';
import { waitForStore } from '../support/wait-for-store.ts';
import { HUB_URL, flushMicrotasks, resetStores, signedInConsole, signedInData, startConsole, type TestConsole } from '../support/console.ts';

let consoles: TestConsole[] = [];
beforeEach(resetStores);
afterEach(() => {
  for (const c of consoles) c.controller.dispose();
  consoles = [];
});
const track = (c: TestConsole): TestConsole => (consoles.push(c), c);
const urlOf = (input: string | URL | Request): string => (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);

describe('signing in', () => {
  it('a sign-in link signs that person in on the hub that served it', async () => {
    const c = track(await startConsole({ data: {}, initialDeepLink: 'http://127.0.0.1:7400/#token=demo-ben', defaultHubUrl: 'http://127.0.0.1:7400' }));
    expect(settingsStore.getState()).toMatchObject({ hubUrl: 'http://127.0.0.1:7400', token: 'demo-ben' });
    await flushMicrotasks();
    expect(c.platform.data.get(TOKEN_KEY)).toBe('demo-ben');
    expect(c.clients).toHaveLength(1);
  });

  it('a link to another hub never signs in by itself, nor contacts that hub: it waits for the agent, who may refuse it', async () => {
    const contacted: string[] = [];
    const fetch = async (input: string | URL | Request) => (contacted.push(urlOf(input)), Response.json({}));
    const c = track(await startConsole({ initialDeepLink: 'baton://sign-in?token=tok-evil&hub=https%3A%2F%2Fhub.evil.example', fetch }));
    await flushMicrotasks();
    expect(contacted).toEqual([]);
    expect(c.credentials).toEqual([{ url: HUB_URL, token: 'demo-ana' }]); // the saved sign-in, untouched
    expect(signInRequestStore.getState().request).toEqual({ hubUrl: 'https://hub.evil.example', token: 'tok-evil', hubInUse: HUB_URL, current: { name: null }, linkPerson: null });
    c.controller.cancelSignIn();
    expect(signInRequestStore.getState().request).toBeNull();
    expect(settingsStore.getState()).toMatchObject({ hubUrl: HUB_URL, token: 'demo-ana' });
    expect(c.credentials).toHaveLength(1);
  });

  it('a link to another hub signs in there once the agent confirms it, even when no one is signed in', async () => {
    const c = track(await startConsole({ data: {} }));
    c.platform.deepLink('baton://sign-in?token=tok-acme&hub=https%3A%2F%2Fhub.acme.example%2F');
    expect(c.credentials).toEqual([]);
    expect(signInRequestStore.getState().request).toMatchObject({ hubUrl: 'https://hub.acme.example', current: null });
    c.controller.confirmSignIn();
    expect(c.credentials).toEqual([{ url: 'https://hub.acme.example', token: 'tok-acme' }]);
    expect(signInRequestStore.getState().request).toBeNull();
  });

  it('a link for the hub in use that would make the agent someone else asks too, naming who they are now and, as that hub says, who they would be; the same person’s link changes nothing', async () => {
    const asked: Array<{ url: string; authorization: string | null }> = [];
    const fetch = async (input: string | URL | Request, init?: RequestInit) => {
      asked.push({ url: urlOf(input), authorization: new Headers(init?.headers).get('authorization') });
      return Response.json({ agent: { id: 'demo-ben', name: 'Ben', role: 'agent', team: 'support' } });
    };
    const c = track(await signedInConsole(ana, [], { fetch }));
    c.platform.deepLink(`${HUB_URL}/#token=demo-ben`);
    expect(signInRequestStore.getState().request).toEqual({ hubUrl: HUB_URL, token: 'demo-ben', hubInUse: HUB_URL, current: { name: ana.name }, linkPerson: null });
    await flushMicrotasks();
    expect(asked).toEqual([{ url: `${HUB_URL}/v1/session/whoami`, authorization: 'Bearer demo-ben' }]);
    expect(signInRequestStore.getState().request?.linkPerson).toEqual({ name: 'Ben' });
    c.controller.confirmSignIn();
    expect(c.credentials.at(-1)).toEqual({ url: HUB_URL, token: 'demo-ben' });

    const same = c.credentials.length;
    c.platform.deepLink(`baton://sign-in?token=demo-ben&hub=${encodeURIComponent(HUB_URL)}`);
    c.platform.deepLink('baton://sign-in?token=demo-ben'); // no hub: the one in use
    expect(c.credentials).toHaveLength(same);
    expect(signInRequestStore.getState().request).toBeNull();
  });

  it('a link whose hub is not a web address is ignored', async () => {
    const c = track(await startConsole({ data: {} }));
    c.platform.deepLink('baton://sign-in?token=t&hub=javascript%3Aalert(1)');
    c.platform.deepLink('baton://sign-in?token=t&hub=file%3A%2F%2F%2Fetc%2Fpasswd');
    expect(signInRequestStore.getState().request).toBeNull();
    expect(c.credentials).toEqual([]);
  });

  it('understands the hub’s and the desktop’s links, and nothing else', () => {
    expect(parseDeepLink('http://127.0.0.1:7400/#token=demo-ana')).toEqual({ kind: 'signIn', token: 'demo-ana', hubUrl: 'http://127.0.0.1:7400' });
    expect(parseDeepLink('baton://sign-in?token=t1&hub=https%3A%2F%2Fhub.example.com')).toEqual({ kind: 'signIn', token: 't1', hubUrl: 'https://hub.example.com' });
    expect(parseDeepLink('baton://handoff/abc-123')).toEqual({ kind: 'handoff', handoffId: 'abc-123' });
    expect(parseDeepLink('http://127.0.0.1:7400/')).toBeNull();
    expect(parseDeepLink('javascript:alert(1)#token=x')).toBeNull();
    expect(parseDeepLink('not a url')).toBeNull();
  });

  it('a saved token signs in again on start; a refused one is forgotten and the sign-in screen says why', async () => {
    const c = track(await startConsole());
    expect(c.clients).toHaveLength(1);
    c.hub.setState({ status: 'unauthorized' });
    await flushMicrotasks();
    expect(connectionStore.getState()).toEqual({ status: 'unauthorized' });
    expect(settingsStore.getState().token).toBeNull();
    expect(c.platform.data.has(TOKEN_KEY)).toBe(false);
  });

  it('a session the hub ended (signed out elsewhere, revoked) goes back to the sign-in screen and says why', async () => {
    const c = track(await signedInConsole(ana, []));
    c.hub.emit('session:ended', { reason: 'expired_or_revoked' }); // maybe only late: a reconnection will tell
    expect(settingsStore.getState().token).not.toBeNull();
    c.hub.emit('session:ended', { reason: 'revoked' });
    await flushMicrotasks();
    expect(c.hub.closed).toBe(true);
    expect(connectionStore.getState()).toEqual({ status: 'signed_out' });
    expect(settingsStore.getState().token).toBeNull();
    expect(providerSignInStore.getState().problem).toBe('An administrator has taken your access back.');
    providerSignInStore.setState({ problem: null });
  });

  it('signing out closes the connection and drops everything that belonged to the session', async () => {
    const offer = makeHandoff({ id: 'h1', offerFor: ana.id });
    const c = track(await signedInConsole(ana, [offer]));
    c.hub.drop();
    c.controller.accept('h1');
    await flushMicrotasks();
    expect(c.platform.data.has(PENDING_KEY)).toBe(true);

    await c.controller.signOut();
    expect(c.hub.closed).toBe(true);
    expect(connectionStore.getState()).toEqual({ status: 'signed_out' });
    expect(settingsStore.getState()).toMatchObject({ token: null, hubUrl: HUB_URL });
    expect(pendingStore.getState().queue).toEqual([]);
    expect(c.platform.data.has(PENDING_KEY)).toBe(false);
    expect(handoffsStore.getState()).toEqual({ byId: {}, recent: {} });
    expect(sessionStore.getState().agent).toBeNull();
  });
});

describe('connection state', () => {
  it('shows reconnecting with the attempt count and keeps the handoffs on screen meanwhile', async () => {
    const mine = makeHandoff({ id: 'h1', acceptedBy: ana });
    const c = track(await signedInConsole(ana, [mine]));
    c.hub.drop(2);
    expect(connectionStore.getState()).toEqual({ status: 'reconnecting', attempt: 2 });
    expect(selectMine(ana.id)(handoffsStore.getState()).map((h) => h.id)).toEqual(['h1']);
    c.hub.setState({ status: 'disconnected', reason: 'io server disconnect' });
    expect(connectionStore.getState()).toEqual({ status: 'offline', reason: 'io server disconnect' });
    c.controller.reconnect();
    expect(c.clients).toHaveLength(2);
    expect(c.clients[0]!.closed).toBe(true);
  });
});

describe('notifications', () => {
  it('notify each offer once, and the agent’s choice comes back as an action', async () => {
    const c = track(await signedInConsole(ana, []));
    const offer = makeHandoff({ id: 'h1', offerFor: ana.id });
    c.hub.emit('handoff:offered', { handoff: offer, offer: { id: offer.offer!.id, expiresAt: offer.offer!.expiresAt } });
    c.hub.drop();
    c.hub.connectAs(ana, [offer]); // the snapshot repeats it
    expect(c.platform.noticeLog.map((n) => n.id)).toEqual(['h1']);
    expect(c.platform.badge.count).toBe(1);

    c.platform.choose('h1', 'accept');
    await flushMicrotasks();
    expect(c.hub.commands('handoff:accept').map((s) => s.payload)).toEqual([{ handoffId: 'h1' }]);
    expect(uiStore.getState()).toMatchObject({ selectedId: 'h1', detailOpen: true });
    expect(c.platform.badge.count).toBe(0);
  });

  it('“return” from a notification accepts and opens the note form, since returning needs a note', async () => {
    const offer = makeHandoff({ id: 'h1', offerFor: ana.id });
    const c = track(await signedInConsole(ana, [offer]));
    c.platform.choose('h1', 'return');
    await flushMicrotasks();
    expect(c.hub.commands().map((s) => s.command)).toEqual(['handoff:accept']);
    expect(uiStore.getState()).toMatchObject({ selectedId: 'h1', form: 'returnToBot' });
  });

  it('go away when the offer does', async () => {
    const offer = makeHandoff({ id: 'h1', offerFor: ana.id });
    const c = track(await signedInConsole(ana, [offer]));
    expect(c.platform.notices.has('h1')).toBe(true);
    c.hub.emit('handoff:withdrawn', { handoffId: 'h1', reason: 'timed_out' });
    expect(c.platform.notices.has('h1')).toBe(false);
  });

  it('stay quiet with do-not-disturb', async () => {
    const c = track(await signedInConsole(ana, [makeHandoff({ id: 'h1', offerFor: ana.id })], { data: signedInData({ doNotDisturb: true }) }));
    expect(c.platform.noticeLog).toEqual([]);
    expect(c.platform.badge.count).toBe(1);
  });

  it('in privacy mode carry no customer details', () => {
    const offer = makeHandoff({ id: 'h1', offerFor: ana.id, packet: { summary: 'Dana’s card ending 4242 was charged twice' } });
    const open = offerNotice(offer, DEFAULT_NOTIFICATIONS);
    expect(open.title).toContain('Dana Whitfield');
    expect(open.body).toContain('4242');
    const kept = offerNotice(offer, { ...DEFAULT_NOTIFICATIONS, privacy: true, sound: false });
    expect(JSON.stringify(kept)).not.toMatch(/Dana|4242|Whitfield/);
    expect(kept).toMatchObject({ title: 'New handoff offer', silent: true, actions: ['accept', 'return'] });
  });
});

describe('presence', () => {
  it('is set through the hub and shown as the hub answers', async () => {
    const c = track(await signedInConsole(ana, []));
    expect(await c.controller.setPresence('away')).toBeNull();
    expect(sessionStore.getState().agent?.presence).toBe('away');
    c.hub.drop();
    expect(await c.controller.setPresence('available')).toMatch(/Not connected/);
  });

  it('follows the computer and the tray through the platform, and shows the tray what the hub says', async () => {
    const c = track(await signedInConsole(ana, []));
    const stop = wireDesktopPresence(c.platform, c.controller);
    c.platform.desktopPresence({ state: 'away', reason: 'lock-screen' });
    await waitForStore(sessionStore, (s) => s.agent?.presence === 'away', 'presence away');
    c.platform.desktopPresence({ state: 'back' });
    await waitForStore(sessionStore, (s) => s.agent?.presence === 'available', 'presence available');
    c.platform.trayPresence('away');
    await waitForStore(sessionStore, (s) => s.agent?.presence === 'away', 'presence away');
    expect(c.hub.commands('presence:set').map((sent) => sent.payload)).toEqual([{ status: 'away' }, { status: 'available' }, { status: 'away' }]);
    expect(c.platform.presenceShown).toEqual(['available', 'away', 'available', 'away']);
    stop();
  });
});
