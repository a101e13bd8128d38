import { describe, expect, it, vi } from 'vitest';
import { createBadge } from '../../electron/badge/badge.ts';
import { OVERLAY_SIZE, badgeText, drawBadgeBitmap } from '../../electron/badge/overlay-image.ts';
import { createTray, pendingLabel } from '../../electron/tray/tray.ts';
import { createNewestOfferShortcut } from '../../electron/shortcut/global-shortcut.ts';
import { FakeTray, FakeWindow, recordingLog } from './fakes.ts';

function tray(platform: NodeJS.Platform = 'linux') {
  let fake: FakeTray | undefined;
  const actions = { open: vi.fn(), quit: vi.fn(), setPresence: vi.fn() };
  const controller = createTray({
    createTray: (icon) => (fake = new FakeTray(icon)) as never,
    buildMenu: (template) => template as never,
    icon: '/assets/tray.png',
    platform,
    actions,
  });
  return { controller, fake: fake!, actions };
}

describe('the tray', () => {
  it('shows the pending count in its menu and tooltip, and follows it', () => {
    const { controller, fake } = tray();
    expect(fake.item('pending').label).toBe('No offers waiting');
    expect(fake.tooltip).toBe('Baton');
    controller.update({ pending: 3 });
    expect(fake.item('pending')).toMatchObject({ label: '3 offers waiting', enabled: false });
    expect(fake.tooltip).toBe('Baton: 3 offers waiting');
    controller.update({ pending: 1 });
    expect(fake.item('pending').label).toBe('1 offer waiting');
    expect(pendingLabel(0)).toBe('No offers waiting');
  });

  it('has a presence switch that shows the agent’s presence and asks the console to change it', () => {
    const { controller, fake, actions } = tray();
    expect(fake.item('available').enabled).toBe(false); // signed out: nothing to switch
    controller.update({ presence: 'available' });
    expect(fake.item('available')).toMatchObject({ type: 'radio', checked: true, enabled: true });
    expect(fake.item('away')).toMatchObject({ type: 'radio', checked: false, enabled: true });
    fake.choose('away');
    expect(actions.setPresence).toHaveBeenCalledWith('away');
  });

  it('opens the window and quits from its menu; a click on the icon opens the window (Windows, Linux)', () => {
    const { fake, actions } = tray('win32');
    fake.choose('open');
    fake.choose('quit');
    fake.emit('click');
    expect(actions.open).toHaveBeenCalledTimes(2);
    expect(actions.quit).toHaveBeenCalledTimes(1);
  });

  it('on macOS the count shows beside the icon in the menu bar', () => {
    const { controller, fake } = tray('darwin');
    controller.update({ pending: 2 });
    expect(fake.title).toBe('2');
    controller.update({ pending: 0 });
    expect(fake.title).toBe('');
    expect(fake.listenerCount('click')).toBe(0); // macOS opens the menu on click
  });
});

describe('the badge', () => {
  it.each(['darwin', 'linux'] as const)('on %s the app badge carries the count', (platform) => {
    const app = { setBadgeCount: vi.fn(() => true) };
    const badge = createBadge({ platform, app, window: () => null, overlayImage: () => ({}) as never });
    badge.set(4);
    badge.set(4);
    badge.set(0);
    expect(app.setBadgeCount.mock.calls).toEqual([[4], [0]]);
  });

  it('on Windows an overlay icon on the taskbar button carries it, and goes when the count is 0', () => {
    const app = { setBadgeCount: vi.fn(() => true) };
    const window = new FakeWindow({});
    const overlayImage = vi.fn((count: number) => ({ count }) as never);
    const badge = createBadge({ platform: 'win32', app, window: () => window, overlayImage });
    badge.set(2);
    expect(window.overlay).toEqual({ image: { count: 2 }, description: '2 offers waiting' });
    badge.set(0);
    expect(window.overlay).toEqual({ image: null, description: '' });
    expect(app.setBadgeCount).not.toHaveBeenCalled();
  });

  it('draws the overlay: a red disc with the count in white, 9+ beyond nine', () => {
    expect(badgeText(3)).toBe('3');
    expect(badgeText(12)).toBe('9+');
    const pixels = drawBadgeBitmap(8);
    expect(pixels.length).toBe(OVERLAY_SIZE * OVERLAY_SIZE * 4);
    const at = (x: number, y: number) => [...pixels.subarray((y * OVERLAY_SIZE + x) * 4, (y * OVERLAY_SIZE + x) * 4 + 4)];
    expect(at(0, 0)[3]).toBe(0); // corner: outside the disc
    expect(at(16, 4)).toEqual([0x25, 0x30, 0xd9, 0xff]); // the disc, in BGRA
    const white = (p: Buffer) => {
      let n = 0;
      for (let i = 0; i < p.length; i += 4) if (p[i] === 0xff && p[i + 1] === 0xff && p[i + 2] === 0xff) n++;
      return n;
    };
    expect(white(pixels)).toBeGreaterThan(white(drawBadgeBitmap(1))); // an 8 has more ink than a 1
    expect(white(drawBadgeBitmap(10))).toBeGreaterThan(0);
  });
});

describe('the newest-offer shortcut', () => {
  it('registers the accelerator from the settings, and swaps it when they change', () => {
    const registered = new Map<string, () => void>();
    const globalShortcut = { register: vi.fn((a: string, cb: () => void) => (registered.set(a, cb), true)), unregister: vi.fn((a: string) => void registered.delete(a)) };
    const onPress = vi.fn();
    const shortcut = createNewestOfferShortcut({ globalShortcut, onPress, log: recordingLog() });
    expect(shortcut.apply('CommandOrControl+Alt+B')).toBe(true);
    registered.get('CommandOrControl+Alt+B')!();
    expect(onPress).toHaveBeenCalledTimes(1);
    shortcut.apply('Alt+Shift+O');
    expect([...registered.keys()]).toEqual(['Alt+Shift+O']);
    shortcut.apply(null);
    expect(registered.size).toBe(0);
  });

  it('says so, to the log and as a notice for the agent, when another application holds the shortcut, or it is not an accelerator', () => {
    const log = recordingLog();
    const problems: Array<string | null> = [];
    const shortcut = createNewestOfferShortcut({ globalShortcut: { register: () => false, unregister: () => undefined }, onPress: () => undefined, onProblem: (p) => problems.push(p), log });
    expect(shortcut.apply('Ctrl+Alt+B')).toBe(false);
    expect(shortcut.apply('B')).toBe(false);
    expect(log.entries.map((e) => e.level)).toEqual(['warn', 'warn']);
    expect(problems).toEqual([expect.stringMatching(/Another application already uses Ctrl\+Alt\+B/), expect.stringMatching(/B in the settings is not a valid key combination/)]);
    expect(shortcut.apply(null)).toBe(true);
    expect(problems.at(-1)).toBeNull();
  });

  it('a register() that throws (a desktop that refuses global shortcuts) is a notice, never an error', () => {
    const problems: Array<string | null> = [];
    const shortcut = createNewestOfferShortcut({
      globalShortcut: {
        register: () => {
          throw new Error('GlobalShortcuts portal: permission denied');
        },
        unregister: () => undefined,
      },
      onPress: () => undefined,
      onProblem: (p) => problems.push(p),
      log: recordingLog(),
    });
    expect(shortcut.apply('CommandOrControl+Alt+B')).toBe(false);
    expect(problems).toEqual([expect.stringMatching(/did not let Baton use CommandOrControl\+Alt\+B/)]);
  });
});
