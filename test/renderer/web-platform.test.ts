// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPlatform } from '../../renderer/platform/create-platform.ts';
import { createWebPlatform } from '../../renderer/platform/web-platform.ts';

/** The browser's Notification API, with the agent's clicks under the test's control. */
class StubNotification {
  static permission: NotificationPermission = 'granted';
  static shown: StubNotification[] = [];
  static requestPermission = vi.fn(async () => StubNotification.permission);
  onclick: (() => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    StubNotification.shown.push(this);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}

const notice = { kind: 'offer' as const, id: 'h1', title: 'Offer: Dana', body: 'Chat · Refund', silent: true, actions: ['accept' as const, 'return' as const] };

beforeEach(() => {
  StubNotification.shown = [];
  StubNotification.permission = 'granted';
  vi.stubGlobal('Notification', StubNotification);
  window.localStorage.clear();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const platform = () => createWebPlatform({ window, version: '1.2.3' });

describe('the web platform', () => {
  it('opens only http(s) links, in a new tab without opener or referrer', async () => {
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const p = platform();
    expect(await p.openExternal('javascript:alert(1)')).toBe(false);
    expect(await p.openExternal('data:text/html,<script>alert(1)</script>')).toBe(false);
    expect(await p.openExternal('/relative')).toBe(false);
    expect(open).not.toHaveBeenCalled();
    expect(await p.openExternal('https://helpdesk.example.com/c/1')).toBe(true);
    expect(open).toHaveBeenCalledWith('https://helpdesk.example.com/c/1', '_blank', 'noopener,noreferrer');
  });

  it('keeps storage in localStorage', async () => {
    const p = platform();
    await p.storage.set('baton.x', 'one');
    expect(window.localStorage.getItem('baton.x')).toBe('one');
    expect(await p.storage.get('baton.x')).toBe('one');
    await p.storage.remove('baton.x');
    expect(await p.storage.get('baton.x')).toBeNull();
  });

  it('a clicked notification opens the offer; a closed one is dismissed', async () => {
    const p = platform();
    const clicked = p.notify(notice);
    const [first] = StubNotification.shown;
    expect(first).toMatchObject({ title: 'Offer: Dana', options: { body: 'Chat · Refund', tag: 'h1', silent: true } });
    first!.onclick!();
    expect(await clicked).toBe('open');
    expect(first!.closed).toBe(true);

    const closed = p.notify({ ...notice, id: 'h2' });
    p.closeNotification('h2');
    expect(await closed).toBe('dismissed');
  });

  it('news that needs no answer (a reassignment) shows the same way, and a click opens its handoff', async () => {
    const p = platform();
    const clicked = p.notify({ kind: 'reassigned', id: 'h3', title: 'Reassigned to you by Lee', body: 'Dana Whitfield', silent: false });
    const [shown] = StubNotification.shown;
    expect(shown).toMatchObject({ title: 'Reassigned to you by Lee', options: { body: 'Dana Whitfield', tag: 'h3', silent: false } });
    shown!.onclick!();
    expect(await clicked).toBe('open');
  });

  it('without permission shows nothing and reports dismissed', async () => {
    StubNotification.permission = 'denied';
    const p = platform();
    expect(await p.notify(notice)).toBe('dismissed');
    expect(StubNotification.shown).toEqual([]);
    expect(p.notificationPermission()).toBe('denied');
  });

  it('puts the badge count in the tab title', () => {
    document.title = 'Baton';
    const p = platform();
    p.setBadgeCount(2);
    expect(document.title).toBe('(2) Baton');
    p.setBadgeCount(0);
    expect(document.title).toBe('Baton');
  });

  it('describes itself as the web console', async () => {
    expect(await platform().appInfo()).toEqual({ name: 'Baton', version: '1.2.3', shell: 'web' });
  });
});

describe('the platform seam, where the console chooses its platform', () => {
  it('a browser gets the web platform: socket.io defaults, no desktop presence', () => {
    const web = createPlatform(window, '1.2.3');
    expect(web.shell).toBe('web');
    expect(web.hubSocketOptions).toEqual({});
    const heard: unknown[] = [];
    web.onDesktopPresence((change) => heard.push(change));
    web.onPresenceRequest((status) => heard.push(status));
    web.showPresence('away');
    expect(heard).toEqual([]);
  });

  it('with the preload bridge it gets the desktop platform, connecting over WebSocket only', () => {
    const bridge = { invoke: vi.fn(async () => undefined), on: vi.fn(() => () => undefined) };
    vi.stubGlobal('baton', bridge);
    const desktop = createPlatform(window, '1.2.3');
    expect(desktop.shell).toBe('desktop');
    expect(desktop.hubSocketOptions).toEqual({ transports: ['websocket'] });
    desktop.showPresence('away');
    expect(bridge.invoke).toHaveBeenCalledWith('presence:current', { status: 'away' });
  });
});
