import { z } from 'zod';

/**
 * At most `max` UTF-16 code units, as JavaScript's `length` counts them and the protocol's limits
 * are written: zod's own `.max()` counts code points, which lets text of astral characters (emoji)
 * reach twice the documented size. Its issue reads like zod's.
 */
export function maxUnits(max: number) {
  return z.check<string>((ctx) => {
    if (ctx.value.length > max) ctx.issues.push({ code: 'too_big', origin: 'string', maximum: max, inclusive: true, input: ctx.value });
  });
}
