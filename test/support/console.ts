import type { AgentView } from '../../shared/protocol/agent.ts';
import type { Handoff } from '../../shared/protocol/handoff.ts';
import type { HubCredentials } from '../../renderer/client/hub-port.ts';
import { createController, type ControllerOptions } from '../../renderer/app/controller.ts';
import type { Controller } from '../../renderer/ui/controls.ts';
import { createFakePlatform, type FakePlatform } from '../../renderer/platform/fake-platform.ts';
import type { Platform } from '../../renderer/platform/platform.ts';
import { showSignedOut } from '../../renderer/state/connection.ts';
import { replacePending } from '../../renderer/state/pending.ts';
import { sessionStore } from '../../renderer/state/session.ts';
import { DEFAULT_NOTIFICATIONS, SETTINGS_KEY, TOKEN_KEY, settingsStore, type NotificationPrefs } from '../../renderer/state/settings.ts';
import { connectHub, type HubClient } from '../../renderer/client/hub-client.ts';
import { clearSignedInState } from '../../renderer/state/signed-in.ts';
import { signInRequestStore } from '../../renderer/state/sign-in-request.ts';
import { FakeHubClient } from './fake-hub-client.ts';
import { waitForStore } from './wait-for-store.ts';

export const HUB_URL = 'http://hub.test:7400';

/** The stores are module singletons (one console per page); each test starts from nothing. */
export function resetStores(): void {
  clearSignedInState();
  replacePending([]);
  showSignedOut();
  signInRequestStore.setState({ request: null });
  settingsStore.setState({ hubUrl: '', token: null, notifications: DEFAULT_NOTIFICATIONS, theme: 'system', loaded: false }, true);
}

/** What a signed-in agent's storage holds. */
export function signedInData(notifications: Partial<NotificationPrefs> = {}): Record<string, string> {
  return {
    [TOKEN_KEY]: 'demo-ana',
    [SETTINGS_KEY]: JSON.stringify({ hubUrl: HUB_URL, notifications: { ...DEFAULT_NOTIFICATIONS, ...notifications }, theme: 'system' }),
  };
}

export interface TestConsole<P extends Platform = FakePlatform> {
  controller: Controller;
  platform: P;
  /** Every client the console made, newest last, and what each signed in with. */
  clients: FakeHubClient[];
  credentials: HubCredentials[];
  /** The current client. */
  hub: FakeHubClient;
}

/** A console over fakes: a fake platform (with `data` as its storage) and fake hub clients. */
export async function startConsole<P extends Platform = FakePlatform>(
  options: { data?: Record<string, string>; platform?: P; initialDeepLink?: string } & Partial<Pick<ControllerOptions, 'retryDelayMs' | 'defaultHubUrl' | 'fetch'>> = {},
): Promise<TestConsole<P>> {
  const platform = options.platform ?? (createFakePlatform({ data: options.data ?? signedInData(), initialDeepLink: options.initialDeepLink ?? null }) as Platform as P);
  const clients: FakeHubClient[] = [];
  const credentials: HubCredentials[] = [];
  const controller = createController({
    platform,
    defaultHubUrl: options.defaultHubUrl ?? HUB_URL,
    connect: (given) => {
      credentials.push(given);
      const client = new FakeHubClient();
      clients.push(client);
      return client;
    },
    ...(options.retryDelayMs !== undefined && { retryDelayMs: options.retryDelayMs }),
    // No network here: a test that wants the hub's answer gives its own.
    fetch: options.fetch ?? (() => Promise.reject(new Error('this test console has no network'))),
  });
  await controller.start();
  return {
    controller,
    platform,
    clients,
    credentials,
    get hub() {
      const client = clients.at(-1);
      if (!client) throw new Error('the console has not connected');
      return client;
    },
  };
}

/** Starts a console signed in as `agent`, connected, with `handoffs` in the snapshot. */
export async function signedInConsole(agent: AgentView, handoffs: Handoff[], options: Parameters<typeof startConsole<FakePlatform>>[0] = {}): Promise<TestConsole> {
  const console = await startConsole(options);
  console.hub.connectAs(agent, handoffs);
  await flushMicrotasks();
  return console;
}

/** Lets pending promise callbacks (the outbox's sends and acks) run. */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

export interface ConsoleOnHub {
  controller: Controller;
  platform: FakePlatform;
  /** Closes the console and every client it opened (not the hub). */
  close(): void;
}

/**
 * A console (controller, stores, fake platform) over the real client core, signed in to a real
 * hub as `token` (default Ana), once its session has arrived.
 */
export async function consoleOnHub(hubUrl: string, token = 'demo-ana', name = 'Ana'): Promise<ConsoleOnHub> {
  resetStores();
  const platform = createFakePlatform();
  const clients: HubClient[] = [];
  const controller = createController({
    platform,
    defaultHubUrl: hubUrl,
    connect: (credentials) => {
      const client = connectHub({ ...credentials, timeoutMs: 5_000 });
      clients.push(client);
      return client;
    },
  });
  await controller.start();
  controller.signIn(hubUrl, token);
  await waitForStore(sessionStore, (s) => s.agent?.name === name, `${name}’s session`);
  return {
    controller,
    platform,
    close() {
      controller.dispose();
      for (const client of clients.splice(0)) client.close();
    },
  };
}
