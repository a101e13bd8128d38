import { useSyncExternalStore } from 'react';
import { hubNow, useSession } from '../state/session.ts';

interface Ticker {
  now: number;
  subscribe: (listener: () => void) => () => void;
  read: () => number;
}

// One clock per interval, shared by every component that shows time: a list of thousands of rows
// runs one timer and re-renders once per tick, not once per row at scattered moments.
const tickers = new Map<number, Ticker>();

function tickerOf(everyMs: number): Ticker {
  const existing = tickers.get(everyMs);
  if (existing) return existing;
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  const ticker: Ticker = {
    now: Date.now(),
    subscribe(listener) {
      if (listeners.size === 0) {
        ticker.now = Date.now();
        timer = setInterval(() => {
          ticker.now = Date.now();
          for (const notify of listeners) notify();
        }, everyMs);
      }
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) clearInterval(timer);
      };
    },
    read: () => ticker.now,
  };
  tickers.set(everyMs, ticker);
  return ticker;
}

/** The hub's clock, re-read every `everyMs`: only the components that show time re-render. */
export function useHubNow(everyMs = 1_000): number {
  const offset = useSession((s) => s.clockOffsetMs);
  const ticker = tickerOf(everyMs);
  const localNow = useSyncExternalStore(ticker.subscribe, ticker.read);
  return hubNow({ agent: null, clockOffsetMs: offset }, localNow);
}
