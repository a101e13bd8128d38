import type { Shell } from 'electron';
import { safeWebUrl } from '../../shared/domain/links.ts';
import type { Log } from '../logging/log.ts';

/** Opens a web link in the agent's browser; anything else is refused (false) and logged. */
export async function openExternalSafely(shell: Pick<Shell, 'openExternal'>, text: unknown, log: Log): Promise<boolean> {
  const url = safeWebUrl(text);
  if (!url) {
    log.warn('Refused to open a link that is not http or https.', { link: String(text).slice(0, 200) });
    return false;
  }
  await shell.openExternal(url);
  return true;
}
