// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatonBridge, BridgeEventName, BridgeEventPayload, BridgeInvokeChannel, DesktopNotice } from '../../shared/protocol/bridge.ts';
import { createElectronPlatform } from '../../renderer/platform/electron-platform.ts';
import type { Platform } from '../../renderer/platform/platform.ts';
import { showView } from '../../renderer/state/ui.ts';
import { ana } from '../support/console-fixtures.ts';
import { flushMicrotasks, resetStores, signedInData, startConsole, type TestConsole } from '../support/console.ts';
import { renderConsole } from '../support/render-console.tsx';

function desktopBridge(notices: DesktopNotice[], data: Record<string, string>) {
  const stored = new Map(Object.entries(data));
  const invoked: Array<[BridgeInvokeChannel, unknown]> = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const bridge: BatonBridge = {
    async invoke(channel, args) {
      invoked.push([channel, args]);
      const { key } = args as { key?: string };
      if (channel === 'storage:get') return { value: stored.get(key!) ?? null } as never;
      if (channel === 'desktop:notices') return { notices } as never;
      if (channel === 'deepLink:initial') return { url: null } as never;
      if (channel === 'hub:connection') return { mode: 'saved' } as never;
      return undefined as never;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  const send = <E extends BridgeEventName>(event: E, payload: BridgeEventPayload<E>): void => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  return { bridge, invoked, send };
}

const blocked: DesktopNotice = { id: 'notifications-blocked', title: 'Notifications for Baton are switched off', message: 'Switch them on in the system’s notification settings.', setting: 'notifications' };
const shortcut: DesktopNotice = { id: 'shortcut', title: 'The global shortcut is off', message: 'Another application already uses Ctrl+Alt+B.' };

let consoles: Array<TestConsole<Platform>> = [];
beforeEach(resetStores);
afterEach(() => {
  for (const c of consoles) c.controller.dispose();
  consoles = [];
});

async function desktopConsole(notices: DesktopNotice[]) {
  const desktop = desktopBridge(notices, signedInData());
  const c = await startConsole<Platform>({ platform: createElectronPlatform(desktop.bridge) });
  consoles.push(c);
  c.hub.connectAs(ana, []);
  await flushMicrotasks();
  renderConsole(c);
  return { ...desktop, c };
}

describe('the desktop’s notices in the console', () => {
  it('notifications switched off by the OS show as a banner with a way to the system setting', async () => {
    const { invoked } = await desktopConsole([blocked]);
    const banner = await screen.findByRole('status', { name: blocked.title });
    await userEvent.click(within(banner).getByRole('button', { name: 'Open notification settings' }));
    expect(invoked.at(-1)).toEqual(['system:openSetting', { setting: 'notifications' }]);
    await userEvent.click(within(banner).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('status', { name: blocked.title })).toBeNull();
  });

  it('settings list every notice under This computer, a shortcut that could not be registered included, and follow changes', async () => {
    const { send } = await desktopConsole([shortcut]);
    act(() => showView('settings'));
    const section = (await screen.findByRole('heading', { name: 'This computer' })).closest('section')!;
    expect(await within(section).findByText(shortcut.message)).toBeTruthy();
    act(() => send('desktop:notices', { notices: [] }));
    expect(within(section).getByText('Nothing here needs your attention.')).toBeTruthy();
  });
});
