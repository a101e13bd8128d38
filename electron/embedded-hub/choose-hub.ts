import { HttpUrl } from '../../shared/protocol/packet.ts';

export type HubChoice = { mode: 'configured'; hubUrl: string } | { mode: 'saved' } | { mode: 'embedded' };

/**
 * Which hub the desktop uses, decided at launch:
 * - a hub URL in the settings (or BATON_HUB_URL): that hub;
 * - else, if the agent signed in with an account of their own (a saved token that is none of the
 *   local hub's demo tokens), or a saved token cannot be read now (it may be theirs, and a demo
 *   sign-in would replace it): the console's saved sign-in, and no local hub;
 * - else the embedded default: a local demo hub, with the console signed in as the demo agent
 *   (or as the demo person it already was, such as lead Lee).
 */
export function chooseHub({
  configuredUrl,
  envUrl,
  savedToken,
  savedTokenUnreadable = false,
  demoTokens,
}: {
  configuredUrl: string | null;
  envUrl?: string | undefined;
  savedToken: string | null;
  savedTokenUnreadable?: boolean;
  demoTokens: readonly string[];
}): HubChoice {
  const fromEnv = envUrl ? HttpUrl.safeParse(envUrl.trim()) : undefined;
  if (fromEnv?.success) return { mode: 'configured', hubUrl: fromEnv.data };
  if (configuredUrl) return { mode: 'configured', hubUrl: configuredUrl };
  if (savedTokenUnreadable || (savedToken !== null && !demoTokens.includes(savedToken))) return { mode: 'saved' };
  return { mode: 'embedded' };
}
