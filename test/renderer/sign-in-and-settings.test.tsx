// @vitest-environment jsdom
import { act, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebPlatform } from '../../renderer/platform/web-platform.ts';
import { SETTINGS_KEY, TOKEN_KEY, settingsStore } from '../../renderer/state/settings.ts';
import { ana } from '../support/console-fixtures.ts';
import { HUB_URL, flushMicrotasks, resetStores, signedInConsole, startConsole, type TestConsole } from '../support/console.ts';
import { renderConsole } from '../support/render-console.tsx';
import type { Platform } from '../../renderer/platform/platform.ts';

let consoles: Array<TestConsole<Platform>> = [];
beforeEach(() => {
  resetStores();
  window.localStorage.clear();
  window.history.replaceState(null, '', '/');
});
afterEach(() => {
  for (const c of consoles) c.controller.dispose();
  consoles = [];
  delete document.documentElement.dataset.theme;
});

describe('the sign-in link', () => {
  it('/#token=… signs that person in on this hub and leaves no token in the address bar or history', async () => {
    window.history.pushState(null, '', '/#token=demo-ana');
    const historyLength = window.history.length;
    const platform = createWebPlatform({ window, version: 'test' });
    expect(window.location.href).toBe('http://localhost:3000/');
    expect(window.history.length).toBe(historyLength);

    const c = await startConsole({ platform, defaultHubUrl: 'http://localhost:3000' });
    consoles.push(c);
    expect(c.credentials).toEqual([{ url: 'http://localhost:3000', token: 'demo-ana' }]);
    await flushMicrotasks();
    expect(window.localStorage.getItem(TOKEN_KEY)).toBe('demo-ana');
  });

  it('a link opened while the console is open signs in too', async () => {
    const platform = createWebPlatform({ window, version: 'test' });
    const c = await startConsole({ platform, defaultHubUrl: 'http://localhost:3000' });
    consoles.push(c);
    expect(c.credentials).toEqual([]);
    window.location.hash = '#token=demo-ben';
    await waitFor(() => expect(c.credentials).toEqual([{ url: 'http://localhost:3000', token: 'demo-ben' }]));
    expect(window.location.hash).toBe('');
  });
});

describe('a sign-in link that would change who the agent is', () => {
  async function anaSignedInOnThisHub() {
    window.localStorage.setItem(TOKEN_KEY, 'demo-ana');
    window.localStorage.setItem(SETTINGS_KEY, JSON.stringify({ hubUrl: 'http://localhost:3000', notifications: { sound: true, privacy: false, doNotDisturb: false }, theme: 'system' }));
    const platform = createWebPlatform({ window, version: 'test' });
    const c = await startConsole({ platform, defaultHubUrl: 'http://localhost:3000' });
    consoles.push(c);
    c.hub.connectAs(ana, []);
    await flushMicrotasks();
    renderConsole(c);
    return c;
  }

  it('/#token=… for someone else asks first, naming the hub and who the agent is now; Cancel keeps them as they are', async () => {
    const c = await anaSignedInOnThisHub();
    act(() => {
      window.location.hash = '#token=demo-ben';
    });
    const dialog = await screen.findByRole('alertdialog', { name: 'Sign in as someone else?' });
    expect(dialog.textContent).toContain('http://localhost:3000');
    expect(dialog.textContent).toContain(`You are signed in as ${ana.name}`);
    expect(window.location.hash).toBe(''); // the token leaves the address bar at once all the same
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(c.credentials).toEqual([{ url: 'http://localhost:3000', token: 'demo-ana' }]);
    expect(window.localStorage.getItem(TOKEN_KEY)).toBe('demo-ana');
  });

  it('confirming signs the link’s person in', async () => {
    const c = await anaSignedInOnThisHub();
    act(() => {
      window.location.hash = '#token=demo-ben';
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Sign in to localhost:3000' }));
    expect(c.credentials.at(-1)).toEqual({ url: 'http://localhost:3000', token: 'demo-ben' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('a link from the hub serving the console, while the console uses another hub, asks before switching hubs, naming both', async () => {
    window.localStorage.setItem(SETTINGS_KEY, JSON.stringify({ hubUrl: 'https://hub.acme.example', notifications: { sound: true, privacy: false, doNotDisturb: false }, theme: 'system' }));
    const platform = createWebPlatform({ window, version: 'test' });
    const c = await startConsole({ platform, defaultHubUrl: 'http://localhost:3000' });
    consoles.push(c);
    renderConsole(c);
    act(() => {
      window.location.hash = '#token=tok-x';
    });
    const dialog = await screen.findByRole('alertdialog', { name: 'Sign in to another hub?' });
    expect(dialog.textContent).toContain('http://localhost:3000');
    expect(dialog.textContent).toContain('https://hub.acme.example');
    expect(c.credentials).toEqual([]);
  });
});

describe('the sign-in screen', () => {
  it('signs in with the hub URL and token typed in', async () => {
    const c = await startConsole({ data: {} });
    consoles.push(c);
    renderConsole(c);
    const url = screen.getByRole('textbox', { name: 'Hub URL' });
    expect(url).toHaveValue(HUB_URL);
    await userEvent.clear(url);
    await userEvent.type(url, '127.0.0.1:7400/');
    await userEvent.type(screen.getByLabelText('Token'), 'demo-lee');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(c.credentials).toEqual([{ url: 'http://127.0.0.1:7400', token: 'demo-lee' }]);
    expect(screen.getByRole('navigation', { name: 'Inbox' })).toBeInTheDocument();
    expect(screen.getByRole('status', { name: 'Connection: Connecting…' })).toBeInTheDocument();
  });

  it('says why when the hub refuses the token', async () => {
    const c = await startConsole();
    consoles.push(c);
    renderConsole(c);
    act(() => c.hub.setState({ status: 'unauthorized' }));
    expect(screen.getByRole('alert')).toHaveTextContent('The hub refused that token.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('asks for a token before trying', async () => {
    const c = await startConsole({ data: {} });
    consoles.push(c);
    renderConsole(c);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter your token.');
    expect(c.credentials).toEqual([]);
  });
});

describe('settings', () => {
  async function openSettings(): Promise<TestConsole> {
    const c = await signedInConsole(ana, []);
    consoles.push(c);
    renderConsole(c);
    await userEvent.click(screen.getByRole('button', { name: 'Settings' }));
    return c;
  }

  it('notification preferences and theme are saved through the platform', async () => {
    const c = await openSettings();
    await userEvent.click(screen.getByRole('checkbox', { name: /Privacy mode/ }));
    await userEvent.click(screen.getByRole('checkbox', { name: /Do not disturb/ }));
    await userEvent.click(screen.getByRole('checkbox', { name: /Sound/ }));
    await userEvent.click(screen.getByRole('radio', { name: 'Dark' }));
    await flushMicrotasks();
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(JSON.parse(c.platform.data.get(SETTINGS_KEY)!)).toEqual({
      hubUrl: HUB_URL,
      notifications: { sound: false, privacy: true, doNotDisturb: true },
      theme: 'dark',
    });
    await userEvent.click(screen.getByRole('radio', { name: 'Match the system' }));
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('presence goes to the hub', async () => {
    const c = await openSettings();
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Presence' }), 'away');
    expect(c.hub.commands('presence:set').map((s) => s.payload)).toEqual([{ status: 'away' }]);
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Presence' })).toHaveValue('away'));
  });

  it('signing out returns to the sign-in screen with the hub URL kept', async () => {
    await openSettings();
    screen.getByText(/Signed in as Ana Ruiz \(agent, team support\)/);
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(screen.getByRole('textbox', { name: 'Hub URL' })).toHaveValue(HUB_URL);
    expect(settingsStore.getState().token).toBeNull();
  });
});
