import { describe, expect, it } from 'vitest';
import type { NotificationChoice, OfferNotice } from '../../shared/protocol/bridge.ts';
import { createOfferNotifications, offerNotificationOptions, supportsActions } from '../../electron/notifications/offer-notifications.ts';
import { electronEvent, fakeNotifications, recordingLog } from './fakes.ts';

const notice: OfferNotice = { id: 'h1', title: 'Offer: Dana Reyes', body: 'Chat · Scope limitation\nRefund for a double charge', silent: false, actions: ['accept', 'return'], priority: 'urgent' };

function setup(platform: NodeJS.Platform, supported = true) {
  const { created, createNotification } = fakeNotifications();
  const choices: Array<[string, NotificationChoice]> = [];
  const notifications = createOfferNotifications({ createNotification, supported, platform, icon: '/app/icon.png', log: recordingLog(), onChoice: (id, choice) => choices.push([id, choice]) });
  return { created, choices, notifications };
}

describe('native notifications for offers', () => {
  it('on macOS an offer shows the title and body the console sent, with Accept and Return to bot buttons', () => {
    const { created, notifications } = setup('darwin');
    notifications.show(notice);
    expect(created).toHaveLength(1);
    const [shown] = created;
    expect(shown!.shown).toBe(true);
    expect(shown!.options).toMatchObject({ title: 'Offer: Dana Reyes', body: notice.body, silent: false, timeoutType: 'never', id: 'baton-offer-h1' });
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
    const options = offerNotificationOptions({ ...notice, actions: ['accept'], silent: true }, { platform: 'darwin' });
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
    expect(notifications.newest()).toBe('h1');
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
    expect(notifications.newest()).toBeNull();
  });

  it('keeps a reference to every notification until it is answered, so its events are not lost', () => {
    const { created, notifications } = setup('darwin');
    notifications.show(notice);
    notifications.show({ ...notice, id: 'h2' });
    expect(notifications.newest()).toBe('h2');
    created[1]!.emit('click', electronEvent());
    expect(notifications.newest()).toBe('h1');
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
    notifications.closeAll();
    expect(created.map((n) => n.closed)).toEqual([true, true]);
    expect(choices).toEqual([]);
  });
});
