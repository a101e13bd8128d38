import type { IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';

export type SenderEvent = { sender: Pick<WebContents, 'id'>; senderFrame: Pick<WebFrameMain, 'url' | 'parent'> | null };

/**
 * Whether an IPC message comes from the console itself: our window's web contents, its top
 * frame, showing one of our own pages. Anything else (another window, a frame, a page that
 * navigated elsewhere) is refused before its message is even read.
 */
export function isTrustedSender(
  event: SenderEvent | IpcMainInvokeEvent,
  { webContentsId, isAppUrl }: { webContentsId: () => number | null; isAppUrl(url: string): boolean },
): boolean {
  const id = webContentsId();
  if (id === null || event.sender.id !== id) return false;
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}
