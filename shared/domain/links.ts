/**
 * The link as an absolute http/https URL, or null. Everything else (javascript:, data:, file:,
 * relative paths) is never turned into a link or opened.
 */
export function safeWebUrl(text: unknown): string | null {
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
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
