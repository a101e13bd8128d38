import { describe, expect, it } from 'vitest';
import { BRIDGE_INVOKE, type BatonBridge, type InfoNotice, type NotificationChoice, type OfferNotice } from '../../shared/protocol/bridge.ts';
import type { ProductItem } from '../../shared/protocol/product.ts';
import { MAX_NOTIFICATION_ID, createNativeNotifications, isBlockedBySystem, notificationId, notificationOptions, supportsActions } from '../../electron/notifications/native-notifications.ts';
import { createNotifier } from '../../renderer/notifications/notifier.ts';
import { createElectronPlatform } from '../../renderer/platform/electron-platform.ts';
import { DEFAULT_NOTIFICATIONS, type NotificationPrefs } from '../../renderer/state/settings.ts';
import { ana, makeHandoff, makeProductItem } from '../support/console-fixtures.ts';
import { electronEvent, fakeNotifications, recordingLog, settle } from './fakes.ts';

const notice: OfferNotice = { kind: 'offer', id: 'h1', title: 'Offer: Dana Reyes', body: 'Chat · Scope limitation\nRefund for a double charge', silent: false, actions: ['accept', 'return'], priority: 'urgent' };

/** One notice of each kind that only tells the agent something. */
const NEWS: InfoNotice[] = [
  { kind: 'reassigned', id: 'h2', title: 'Reassigned to you by Lee', body: 'Dana Reyes\n“She asked for you”', silent: false },
  { kind: 'returned', id: 'h3', title: 'Back to you from Lee', body: 'Sam Ortiz', silent: false },
  { kind: 'taken_away', id: 'h4', title: 'Moved away from you by Lee', body: 'Kim Lee is no longer yours.', silent: true },
  { kind: 'product_status', id: 'product:p1', title: "Bug report 'Export fails on Safari' is now In progress", body: 'Changed by Lee.', silent: false },
];
const PLATFORMS = ['darwin', 'win32', 'linux'] as const;

const at = '2026-11-24T10:02:11.000Z';
const productItem = (): ProductItem =>
  makeProductItem({ kind: 'bug_report', title: 'Export fails on Safari', details: 'CSV export never starts', severity: 'high', status: 'in_progress', customerCount: 2, handoffCount: 2, createdAt: at, updatedAt: at });

function setup(platform: NodeJS.Platform, supported = true) {
  const { created, createNotification } = fakeNotifications();
  const choices: Array<[string, NotificationChoice]> = [];
  const notifications = createNativeNotifications({ createNotification, supported, platform, icon: '/app/icon.png', log: recordingLog(), onChoice: (id, choice) => choices.push([id, choice]) });
  return { created, choices, notifications };
}

describe('native notifications for offers', () => {
  it('on macOS an offer shows the title and body the console sent, with Accept and Return to bot buttons', () => {
    const { created, notifications } = setup('darwin');
    notifications.show(notice);
    expect(created).toHaveLength(1);
    const [shown] = created;
    expect(shown!.shown).toBe(true);
    expect(shown!.options).toMatchObject({ title: 'Offer: Dana Reyes', body: notice.body, silent: false, timeoutType: 'never', id: notificationId(notice) });
    expect(shown!.options.actions).toEqual([
      { type: 'button', text: 'Accept' },
      { type: 'button', text: 'Return to bot' },
    ]);
    expect(shown!.options.urgency).toBeUndefined(); // macOS has no urgency
  });

  it('on Windows the same buttons, urgency from the priority, and the notification stays until answered', () => {
    const { created, notifications } = setup('win32');
    notifications.show(notice);
    expect(created[0]!.options).toMatchObject({ timeoutType: 'never', urgency: 'critical', icon: '/app/icon.png' });
    expect(created[0]!.options.actions?.map((a) => a.text)).toEqual(['Accept', 'Return to bot']);
  });

  it('on Linux there are no buttons (a click opens the offer), urgency follows the priority and it never times out', () => {
    const { created, notifications } = setup('linux');
    notifications.show(notice);
    notifications.show({ ...notice, id: 'h2', priority: 'low' });
    notifications.show({ ...notice, id: 'h3', priority: undefined });
    expect(created.map((n) => n.options.actions)).toEqual([undefined, undefined, undefined]);
    expect(created.map((n) => n.options.urgency)).toEqual(['critical', 'low', 'normal']);
    expect(created.every((n) => n.options.timeoutType === 'never')).toBe(true);
    expect(supportsActions('linux')).toBe(false);
  });

  it('shows only the buttons the console asked for, and no sound when it is silent', () => {
    const options = notificationOptions({ ...notice, actions: ['accept'], silent: true }, { platform: 'darwin' });
    expect(options.actions).toEqual([{ type: 'button', text: 'Accept' }]);
    expect(options.silent).toBe(true);
  });

  it('clicking a notification opens that handoff: the choice reaches the console once', () => {
    const { created, choices, notifications } = setup('linux');
    notifications.show(notice);
    created[0]!.emit('click', electronEvent());
    created[0]!.emit('close', electronEvent({ reason: 'userCanceled' })); // closing after a click is not a second answer
    expect(choices).toEqual([['h1', 'open']]);
  });

  it.each([
    [0, 'accept'],
    [1, 'return'],
  ] as const)('the action button %i is the agent choosing %s', (index, choice) => {
    const { created, choices, notifications } = setup('win32');
    notifications.show(notice);
    created[0]!.emit('action', electronEvent({ actionIndex: index, selectionIndex: -1 }), index, -1);
    expect(choices).toEqual([['h1', choice]]);
    expect(created[0]!.closed).toBe(true);
  });

  it('an action reported the pre-Electron-38 way (only the index argument) still counts', () => {
    const { created, choices, notifications } = setup('darwin');
    notifications.show(notice);
    created[0]!.emit('action', electronEvent(), 1);
    expect(choices).toEqual([['h1', 'return']]);
  });

  it('a notification the agent closes is dismissed; one Windows moved to the Action Centre is still waiting', () => {
    const { created, choices, notifications } = setup('win32');
    notifications.show(notice);
    created[0]!.emit('close', electronEvent({ reason: 'timedOut' }));
    expect(choices).toEqual([]);
    expect(notifications.newestOffer()).toBe('h1');
    created[0]!.emit('click', electronEvent()); // clicked later in the Action Centre
    expect(choices).toEqual([['h1', 'open']]);
  });

  it('a withdrawn offer closes its notification without answering for the agent', () => {
    const { created, choices, notifications } = setup('darwin');
    notifications.show(notice);
    notifications.close('h1');
    expect(created[0]!.closed).toBe(true);
    created[0]!.emit('close', electronEvent({ reason: 'userCanceled' })); // the OS reports our own close
    expect(choices).toEqual([]);
    expect(notifications.newestOffer()).toBeNull();
  });

  it('keeps a reference to every notification until it is answered, so its events are not lost', () => {
    const { created, notifications } = setup('darwin');
    notifications.show(notice);
    notifications.show({ ...notice, id: 'h2' });
    expect(notifications.newestOffer()).toBe('h2');
    created[1]!.emit('click', electronEvent());
    expect(notifications.newestOffer()).toBe('h1');
  });

  it('a second notice for the same handoff replaces the first without answering for it', () => {
    const { created, choices, notifications } = setup('darwin');
    notifications.show(notice);
    notifications.show({ ...notice, title: 'Offer again' });
    expect(created[0]!.closed).toBe(true);
    created[0]!.emit('click', electronEvent()); // late event from the replaced one: ignored
    created[1]!.emit('click', electronEvent());
    expect(choices).toEqual([['h1', 'open']]);
  });

  it('a notification that fails to show, or a system without notifications, is dismissed at once', () => {
    const failing = setup('win32');
    failing.notifications.show(notice);
    failing.created[0]!.emit('failed', electronEvent(), 'toast XML error');
    expect(failing.choices).toEqual([['h1', 'dismissed']]);

    const none = setup('linux', false);
    none.notifications.show(notice);
    expect(none.created).toHaveLength(0);
    expect(none.choices).toEqual([['h1', 'dismissed']]);
  });

  it('closeAll closes every notification still showing (on quit)', () => {
    const { created, notifications, choices } = setup('linux');
    notifications.show(notice);
    notifications.show({ ...notice, id: 'h2' });
    notifications.show(NEWS[0]!);
    notifications.closeAll();
    expect(created.map((n) => n.closed)).toEqual([true, true, true]);
    expect(choices).toEqual([]);
  });
});

describe('native notifications for news: reassigned, returned, taken away, a product item’s status', () => {
  it.each(PLATFORMS)('on %s none has buttons; each shows what the console sent', (platform) => {
    const { created, notifications } = setup(platform);
    for (const news of NEWS) notifications.show(news);
    expect(created.map((n) => n.options.actions)).toEqual(NEWS.map(() => undefined));
    expect(created.map((n) => [n.options.title, n.options.body, n.options.silent])).toEqual(NEWS.map((n) => [n.title, n.body, n.silent]));
    // It may time out into the notification centre like any other app's; only offers wait on screen.
    expect(created.every((n) => n.options.timeoutType === 'default')).toBe(true);
  });

  it('urgency is normal for work given to the agent and low for the rest, never critical (Windows, Linux; macOS has none)', () => {
    for (const platform of ['win32', 'linux'] as const) {
      expect(NEWS.map((n) => notificationOptions(n, { platform }).urgency)).toEqual(['normal', 'normal', 'low', 'low']);
    }
    expect(NEWS.map((n) => notificationOptions(n, { platform: 'darwin' }).urgency)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('each kind has its own id in the notification centre (macOS, Windows), so one never replaces an offer there by accident', () => {
    const ids = [notice, ...NEWS].map((n) => notificationOptions(n, { platform: 'darwin' }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(notificationOptions({ ...NEWS[0]!, kind: 'returned' }, { platform: 'win32' }).id).not.toBe(notificationOptions(NEWS[0]!, { platform: 'win32' }).id);
    expect(notificationOptions(NEWS[0]!, { platform: 'linux' }).id).toBeUndefined();
  });

  it('every notification id fits a Windows toast tag (64 characters, letters, digits, hyphens), stays the same for the same notice and differs for any other', () => {
    const uuid = '0b1c2d3e-4f50-4617-8899-aabbccddeeff';
    const longest = 'x'.repeat(200);
    const ids = [uuid, `product:${uuid}`, longest, `${longest.slice(0, 199)}y`, 'h1', 'product:h1'];
    const kinds = ['offer', ...NEWS.map((n) => n.kind)] as const;
    const tags = kinds.flatMap((kind) => ids.map((id) => notificationOptions(kind === 'offer' ? { ...notice, id } : { ...NEWS[0]!, kind, id }, { platform: 'win32' }).id!));
    for (const tag of tags) {
      expect(tag.length).toBeLessThanOrEqual(MAX_NOTIFICATION_ID);
      expect(tag).toMatch(/^[A-Za-z0-9-]+$/);
    }
    expect(new Set(tags).size).toBe(kinds.length * ids.length);
    expect(notificationOptions({ ...NEWS[3]!, id: `product:${uuid}`, title: 'Another title' }, { platform: 'win32' }).id).toBe(tags[kinds.indexOf('product_status') * ids.length + 1]);
  });

  it.each(PLATFORMS)('on %s a click reaches the console as “open” for that notice, once', (platform) => {
    const { created, choices, notifications } = setup(platform);
    for (const news of NEWS) notifications.show(news);
    created.forEach((n) => n.emit('click', electronEvent()));
    created.forEach((n) => n.emit('close', electronEvent({ reason: 'userCanceled' })));
    expect(choices).toEqual(NEWS.map((n) => [n.id, 'open']));
    expect(created.every((n) => n.closed)).toBe(true);
  });

  it('an action event on news (a stray one from the OS) is a click, never an accept', () => {
    const { created, choices, notifications } = setup('win32');
    notifications.show(NEWS[0]!);
    created[0]!.emit('action', electronEvent({ actionIndex: 0 }), 0);
    expect(choices).toEqual([['h2', 'open']]);
  });

  it('news closes without an answer when the console says so (the agent opened that handoff)', () => {
    const { created, choices, notifications } = setup('darwin');
    notifications.show(NEWS[1]!);
    notifications.close('h3');
    created[0]!.emit('close', electronEvent({ reason: 'userCanceled' }));
    expect(created[0]!.closed).toBe(true);
    expect(choices).toEqual([]);
  });

  it('the newest-offer shortcut goes to the newest offer, not to newer news', () => {
    const { notifications } = setup('win32');
    notifications.show(notice);
    for (const news of NEWS) notifications.show(news);
    expect(notifications.newestOffer()).toBe('h1');
  });

  it('news about a handoff replaces the offer notification of the same handoff (the newest news stands)', () => {
    const { created, choices, notifications } = setup('darwin');
    notifications.show(notice);
    notifications.show({ kind: 'reassigned', id: 'h1', title: 'Reassigned to you by Lee', body: '', silent: false });
    expect(created[0]!.closed).toBe(true);
    expect(created[1]!.options.actions).toBeUndefined();
    expect(notifications.newestOffer()).toBeNull();
    created[1]!.emit('click', electronEvent());
    expect(choices).toEqual([['h1', 'open']]);
  });
});

describe('from the console to the desktop’s notifications', () => {
  /**
   * The console's notifier over the desktop platform; its bridge does what main/desktop.ts does:
   * each call checked against the map goes to the native notifications, whose choices come back
   * as `notification:choice`.
   */
  function consoleOnDesktop(platform: NodeJS.Platform, prefs: NotificationPrefs) {
    const { created, createNotification } = fakeNotifications();
    const listeners = new Set<(payload: unknown) => void>();
    const native = createNativeNotifications({
      createNotification,
      supported: true,
      platform,
      log: recordingLog(),
      onChoice: (id, choice) => listeners.forEach((listener) => listener({ id, choice })),
    });
    const bridge: BatonBridge = {
      async invoke(channel, args) {
        if (channel === 'notification:show') native.show(BRIDGE_INVOKE['notification:show'].args.parse(args));
        if (channel === 'notification:close') native.close(BRIDGE_INVOKE['notification:close'].args.parse(args).id);
        return undefined as never;
      },
      on(event, listener) {
        if (event !== 'notification:choice') return () => undefined;
        const forward = listener as (payload: unknown) => void;
        listeners.add(forward);
        return () => listeners.delete(forward);
      },
    };
    const opened: string[] = [];
    const answered: Array<[string, NotificationChoice]> = [];
    const notifier = createNotifier({ platform: createElectronPlatform(bridge), prefs: () => prefs, onChoice: (id, c) => answered.push([id, c]), onOpen: (id) => opened.push(id) });
    return { created, notifier, opened, answered };
  }

  const lee = { id: 'demo-lee', name: 'Lee' };
  const offer = makeHandoff({ id: 'h1', offerFor: 'ana' });
  const mine = makeHandoff({ id: 'h2', acceptedBy: ana });
  const item = productItem();
  const change = { from: 'new' as const, to: 'in_progress' as const, note: null, by: { kind: 'lead' as const, id: 'demo-lee', name: 'Lee' } };

  function tellEverything(notifier: ReturnType<typeof createNotifier>): void {
    notifier.offered(offer);
    notifier.reassigned({ handoff: mine, by: lee, note: 'She asked for you' }, false);
    notifier.takenAway(makeHandoff({ id: 'h3', acceptedBy: ana }), lee, undefined);
    notifier.productStatus(item, change, 'h4');
  }

  it.each(PLATFORMS)('on %s every kind reaches the OS; only the offer has buttons, where the OS has them', (platform) => {
    const { created, notifier } = consoleOnDesktop(platform, DEFAULT_NOTIFICATIONS);
    tellEverything(notifier);
    expect(created.map((n) => n.options.title)).toEqual(['Offer: Dana Whitfield', 'Reassigned to you by Lee', 'Moved away from you by Lee', "Bug report 'Export fails on Safari' is now In progress"]);
    expect(created.map((n) => n.options.actions?.length ?? 0)).toEqual([supportsActions(platform) ? 2 : 0, 0, 0, 0]);
  });

  it.each(PLATFORMS)('on %s the console’s do-not-disturb keeps every kind off the screen', (platform) => {
    const { created, notifier } = consoleOnDesktop(platform, { ...DEFAULT_NOTIFICATIONS, doNotDisturb: true });
    tellEverything(notifier);
    expect(created).toEqual([]);
  });

  it('a click on news reaches the console as “open that handoff”; on the product notice, the handoff the agent routed', async () => {
    const { created, notifier, opened, answered } = consoleOnDesktop('darwin', DEFAULT_NOTIFICATIONS);
    tellEverything(notifier);
    created.forEach((n) => n.emit('click', electronEvent()));
    await settle();
    expect(opened).toEqual(['h2', 'h3', 'h4']);
    expect(answered).toEqual([['h1', 'open']]);
  });

  it('opening the handoff in the console closes the news about it, and nothing else', async () => {
    const { created, notifier, opened } = consoleOnDesktop('win32', DEFAULT_NOTIFICATIONS);
    tellEverything(notifier);
    notifier.opened('h2');
    notifier.opened('h1'); // an offer stays until it is answered or withdrawn
    expect(created.map((n) => n.closed)).toEqual([false, true, false, false]);
    await settle();
    expect(opened).toEqual([]);
  });
});

describe('notifications the system has switched off', () => {
  it.each([
    ['Notification failed - Settings prevent the notification from being delivered.', true],
    ['Notification failed - Settings prevent the notification type from being delivered.', true],
    ['Notification failed - Unknown failure reason (HRESULT -2143420143)', true],
    ['Notifications are not allowed for this application', true],
    ['Notification failed - The size of the notification content is too large.', false],
    ['Notification failed - Toast Notification was dropped without being displayed to the user.', false],
    ['XML: Invalid XML, ERROR Notification failed - Unknown failure reason (HRESULT -2147467259)', false],
    [undefined, false],
  ])('%s → %s', (error, blocked) => {
    expect(isBlockedBySystem(error)).toBe(blocked);
  });

  it.each(['win32', 'darwin'] as const)('on %s a refusal is reported as blocked (and the offer dismissed), a notification shown later as not', (platform) => {
    const { created, createNotification } = fakeNotifications();
    const blocked: boolean[] = [];
    const choices: Array<[string, NotificationChoice]> = [];
    const native = createNativeNotifications({ createNotification, supported: true, platform, log: recordingLog(), onChoice: (id, choice) => choices.push([id, choice]), onBlocked: (b) => blocked.push(b) });
    native.show(notice);
    created[0]!.emit('failed', electronEvent(), platform === 'win32' ? 'Notification failed - Settings prevent the notification from being delivered.' : 'Notifications are not allowed for this application');
    native.show({ ...notice, id: 'h2' });
    created[1]!.emit('failed', electronEvent(), 'Notification failed - The size of the notification content is too large.');
    native.show({ ...notice, id: 'h3' });
    created[2]!.emit('show', electronEvent());
    expect(blocked).toEqual([true, false]);
    expect(choices).toEqual([
      ['h1', 'dismissed'],
      ['h2', 'dismissed'],
    ]);
  });
});
