// Made once: toLocaleString with options builds a formatter per call, and a transcript formats every turn.
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DATE_AND_CLOCK = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A transcript time: the clock time today, with the date otherwise. */
export function turnTime(iso: string, now = new Date()): string {
  const at = new Date(iso);
  const sameDay = at.toDateString() === now.toDateString();
  return (sameDay ? CLOCK : DATE_AND_CLOCK).format(at);
}
