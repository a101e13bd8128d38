import { createStore, type StoreApi } from 'zustand/vanilla';

const resets: Array<() => void> = [];

/**
 * A store of what belongs to the person signed in, made with its initial state and registered to
 * go back to it on `clearSignedInState`, so no store of theirs can be left out. `alsoForget` clears
 * what the store's module keeps beside the store. Pending actions, settings and the connection are
 * not theirs in this sense: those stores are made with `createStore`.
 */
export function signedInStore<T>(initial: () => T, alsoForget?: () => void): StoreApi<T> {
  const store = createStore<T>(initial);
  resets.push(() => {
    store.setState(initial(), true);
    alsoForget?.();
  });
  return store;
}

/** Forgets everything that belonged to the person signed in (sign-out, another hub or token). */
export function clearSignedInState(): void {
  for (const reset of resets) reset();
}
