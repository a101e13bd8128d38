import type { StoreApi } from 'zustand/vanilla';

/** Resolves with the store's state once `predicate` holds (now or after a change); no polling. */
export function waitForStore<S>(store: StoreApi<S>, predicate: (state: S) => boolean, what: string, timeoutMs = 20_000): Promise<S> {
  return new Promise((resolve, reject) => {
    if (predicate(store.getState())) return resolve(store.getState());
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const stop = store.subscribe((state) => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      stop();
      resolve(state);
    });
  });
}
