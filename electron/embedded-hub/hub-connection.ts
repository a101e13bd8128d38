import type { HubConnection } from '../../shared/protocol/bridge.ts';
import type { HubChoice } from './choose-hub.ts';
import type { EmbeddedHub } from './embedded-hub.ts';

/**
 * What `hub:connection` answers. For the local hub it waits until the hub is up, then offers the
 * demo agent's token, unless the console already holds another demo person's token (kept).
 */
export function createHubConnection({
  choice,
  hub,
  savedToken,
  rememberDemoTokens,
}: {
  choice: HubChoice;
  hub: EmbeddedHub | null;
  savedToken(): Promise<string | null>;
  /** So that next launch knows a saved demo token from an account of the agent's own. */
  rememberDemoTokens(tokens: string[]): void;
}): () => Promise<HubConnection> {
  return async () => {
    if (choice.mode !== 'embedded') return choice;
    if (!hub) return { mode: 'unavailable', message: 'The local demo hub is not running.' };
    try {
      const { url, token, demoTokens } = await hub.ready();
      rememberDemoTokens(demoTokens);
      const saved = await savedToken();
      return { mode: 'embedded', hubUrl: url, token: saved === null || saved === token ? token : null };
    } catch (error) {
      return { mode: 'unavailable', message: error instanceof Error ? error.message : String(error) };
    }
  };
}
