/**
 * Saves text as a file through a Blob link: made in the page, so nothing is fetched (the desktop
 * console may only talk to the hub over its WebSocket).
 */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by the time this runs; until then it must stay valid.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
