import { useEffect, useState } from 'react';
import { hubNow, useSession } from '../state/session.ts';

/** The hub's clock, re-read every `everyMs`: only the component that shows time re-renders. */
export function useHubNow(everyMs = 1_000): number {
  const offset = useSession((s) => s.clockOffsetMs);
  const [localNow, setLocalNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setLocalNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return hubNow({ agent: null, clockOffsetMs: offset }, localNow);
}
