import type { WebPreferences } from 'electron';

/**
 * Electron's security checklist, as web preferences: the console runs like a web page in a
 * sandbox, with no Node, isolated from the preload, which exposes only the typed bridge.
 */
export const REQUIRED_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
} as const satisfies WebPreferences;

export function secureWebPreferences(preload: string): WebPreferences {
  return { ...REQUIRED_WEB_PREFERENCES, preload, spellcheck: true };
}

/** The checklist items `preferences` breaks, by name; empty when it keeps them all. */
export function insecureWebPreferences(preferences: WebPreferences | undefined): string[] {
  const given = (preferences ?? {}) as Record<string, unknown>;
  const broken = Object.entries(REQUIRED_WEB_PREFERENCES)
    .filter(([name, required]) => given[name] !== required)
    .map(([name]) => name);
  if (given.enableBlinkFeatures !== undefined) broken.push('enableBlinkFeatures');
  return broken;
}
