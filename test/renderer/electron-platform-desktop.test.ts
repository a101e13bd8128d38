import { describe, expect, it } from 'vitest';
import type { BatonBridge, BridgeInvokeChannel } from '../../shared/protocol/bridge.ts';
import { parseDeepLink } from '../../renderer/app/deep-links.ts';
import { DESKTOP_SOCKET_OPTIONS, createElectronPlatform, desktopHubUrl } from '../../renderer/platform/electron-platform.ts';

function bridgeAnswering(answers: Partial<Record<BridgeInvokeChannel, unknown>>): BatonBridge {
  return {
    async invoke(channel) {
      const answer = answers[channel];
      if (answer instanceof Error) throw answer;
      return answer as never;
    },
    on: () => () => undefined,
  };
}

describe('the desktop platform and the desktop’s own hub', () => {
  it('signs the console in to the local demo hub as the demo agent', async () => {
    const platform = createElectronPlatform(bridgeAnswering({ 'deepLink:initial': { url: null }, 'hub:connection': { mode: 'embedded', hubUrl: 'http://127.0.0.1:5123', token: 'demo-ana' } }));
    const link = await platform.initialDeepLink();
    expect(parseDeepLink(link!)).toEqual({ kind: 'signIn', token: 'demo-ana', hubUrl: 'http://127.0.0.1:5123' });
  });

  it('signs in first and then opens the handoff the app was launched with', async () => {
    const platform = createElectronPlatform(bridgeAnswering({ 'deepLink:initial': { url: 'baton://handoff/h1' }, 'hub:connection': { mode: 'embedded', hubUrl: 'http://127.0.0.1:5123', token: 'demo-ana' } }));
    expect(parseDeepLink((await platform.initialDeepLink())!)).toMatchObject({ kind: 'signIn' });
    const opened: string[] = [];
    platform.onDeepLink((url) => opened.push(url));
    await Promise.resolve();
    expect(opened).toEqual(['baton://handoff/h1']);
  });

  it('keeps an account the agent chose, a sign-in link it was launched with, and works without a desktop hub', async () => {
    const kept = createElectronPlatform(bridgeAnswering({ 'deepLink:initial': { url: null }, 'hub:connection': { mode: 'embedded', hubUrl: 'http://127.0.0.1:5123', token: null } }));
    expect(await kept.initialDeepLink()).toBeNull();
    const link = 'baton://sign-in?token=tok&hub=https%3A%2F%2Fhub.acme.example';
    const launched = createElectronPlatform(bridgeAnswering({ 'deepLink:initial': { url: link }, 'hub:connection': { mode: 'embedded', hubUrl: 'http://127.0.0.1:5123', token: 'demo-ana' } }));
    expect(await launched.initialDeepLink()).toBe(link);
    const failing = createElectronPlatform(bridgeAnswering({ 'deepLink:initial': { url: 'baton://handoff/h1' }, 'hub:connection': new Error('No handler registered') }));
    expect(await failing.initialDeepLink()).toBe('baton://handoff/h1');
  });

  it('offers the configured or local hub for the sign-in screen, and connects over WebSocket only', async () => {
    expect(await desktopHubUrl(bridgeAnswering({ 'hub:connection': { mode: 'configured', hubUrl: 'https://hub.acme.example' } }))).toBe('https://hub.acme.example');
    expect(await desktopHubUrl(bridgeAnswering({ 'hub:connection': { mode: 'saved' } }))).toBeNull();
    expect(DESKTOP_SOCKET_OPTIONS.transports).toEqual(['websocket']);
  });
});
