import type { Shell } from 'electron';
import type { Log } from '../logging/log.ts';

/** The link as an absolute http/https URL, or null: file:, javascript:, custom schemes and the like never leave the app. */
export function safeExternalUrl(text: unknown): string | null {
  if (typeof text !== 'string' || text.length > 2_000 || /[\s\u0000-\u001f\u007f]/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
  return url.href;
}

/** Opens a web link in the agent's browser; anything else is refused (false) and logged. */
export async function openExternalSafely(shell: Pick<Shell, 'openExternal'>, text: unknown, log: Log): Promise<boolean> {
  const url = safeExternalUrl(text);
  if (!url) {
    log.warn('Refused to open a link that is not http or https.', { link: String(text).slice(0, 200) });
    return false;
  }
  await shell.openExternal(url);
  return true;
}
