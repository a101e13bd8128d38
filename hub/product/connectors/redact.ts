// Product tools sometimes echo what they were sent, credentials included, in their error answers;
// those errors are stored (`last_error`) and logged. A secret is taken out in every form it may
// take there (as sent, JSON-escaped, URL-encoded, character by character in any mix of these),
// after each step that changes the text (decoding, cutting), and a cut that ends part-way into a
// secret takes that part out too.

export const REDACTED = '[redacted]';

/** Shorter secrets (and shorter tails of one at a cut) are not looked for: they would match ordinary text. */
const MIN_MATCH = 4;

const escapeRegex = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** A hex digit matched in either case. */
const hexDigit = (digit: string): string => (/[a-f]/i.test(digit) ? `[${digit.toLowerCase()}${digit.toUpperCase()}]` : digit);
const hex = (n: number, width: number): string => [...n.toString(16).padStart(width, '0')].map(hexDigit).join('');

const SHORT_JSON_ESCAPES: Record<string, string> = { '"': '\\\\"', '\\': '\\\\\\\\', '/': '\\\\/', '\b': '\\\\b', '\f': '\\\\f', '\n': '\\\\n', '\r': '\\\\r', '\t': '\\\\t' };

/** Every way one character (a code point) of a secret may be written: itself, JSON-escaped, URL-encoded. */
function characterForms(char: string): string {
  const forms = [escapeRegex(char)];
  forms.push([...Array(char.length).keys()].map((i) => `\\\\u${hex(char.charCodeAt(i), 4)}`).join(''));
  if (SHORT_JSON_ESCAPES[char]) forms.push(SHORT_JSON_ESCAPES[char]);
  forms.push([...Buffer.from(char, 'utf8')].map((byte) => `%${hex(byte, 2)}`).join(''));
  if (char === ' ') forms.push('\\+');
  return `(?:${forms.join('|')})`;
}

const pattern = (chars: readonly string[]): string => chars.map(characterForms).join('');

export interface SecretScrubber {
  /** The text with every secret, in any form, replaced by [redacted], and a secret's start at its very end too. */
  clean(text: string): string;
  /** clean, cut to `max` characters, and cleaned again (a cut may end inside a secret). */
  cut(text: string, max: number): string;
}

/** A scrubber for these secrets (each also looked for in the forms above); secrets under 4 characters are ignored. */
export function secretScrubber(secrets: Iterable<string>): SecretScrubber {
  const list = [...new Set(secrets)].filter((s) => s.length >= MIN_MATCH).sort((a, b) => b.length - a.length);
  const whole = list.length > 0 ? new RegExp(list.map((s) => pattern([...s])).join('|'), 'g') : undefined;
  // A text ending with the start (4 characters or more) of a secret: the cut left the rest out.
  const startOf = (chars: readonly string[]): string =>
    pattern(chars.slice(0, MIN_MATCH)) + chars.slice(MIN_MATCH).reduceRight((rest, char) => `(?:${characterForms(char)}${rest})?`, '');
  const starts = list.length > 0 ? new RegExp(`(?:${list.map((s) => startOf([...s])).join('|')})$`) : undefined;

  const clean = (text: string): string => {
    if (!whole || !starts) return text;
    return text.replace(whole, REDACTED).replace(starts, REDACTED);
  };
  return {
    clean,
    cut: (text, max) => clean(clean(text).slice(0, max)),
  };
}
