// Bodies and command payloads are walked by validation, by the search for text the store cannot
// keep and by JSON.stringify; one nested thousands deep would cost seconds, or overflow the stack,
// in each. Their depth is checked first, without recursion, and a deeper one is refused.
import { MAX_JSON_DEPTH } from '../../shared/protocol/index.ts';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether JSON text nests objects and arrays deeper than `max`, read in one pass without parsing it. */
export function textNestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth -= 1;
  }
  return false;
}

/** Whether a value (a parsed payload) nests objects and arrays deeper than `max`; stops at the first node past it. */
export function valueNestsDeeperThan(root: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(value)) if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/** The issue naming a body or payload nested too deep. */
export const TOO_DEEP = { path: '', message: `nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep` };
