import type { GlobalShortcut } from 'electron';
import type { Log } from '../logging/log.ts';
import { isGlobalAccelerator } from './accelerator.ts';

export type GlobalShortcutPort = Pick<GlobalShortcut, 'register' | 'unregister'>;

export interface NewestOfferShortcut {
  /** Registers this accelerator instead of the current one (null: none); false when it could not be. */
  apply(accelerator: string | null): boolean;
  dispose(): void;
}

/** The system-wide shortcut that brings Baton forward on the newest offer. */
export function createNewestOfferShortcut({ globalShortcut, onPress, log }: { globalShortcut: GlobalShortcutPort; onPress(): void; log: Log }): NewestOfferShortcut {
  let current: string | null = null;
  const release = (): void => {
    if (current) globalShortcut.unregister(current);
    current = null;
  };
  return {
    apply(accelerator) {
      if (accelerator === current) return true;
      release();
      if (accelerator === null) return true;
      if (!isGlobalAccelerator(accelerator)) {
        log.warn('The shortcut in the settings is not a valid accelerator; none is registered.', { accelerator });
        return false;
      }
      if (!globalShortcut.register(accelerator, onPress)) {
        log.warn('Another application already uses this shortcut; pick another in the settings.', { accelerator });
        return false;
      }
      current = accelerator;
      return true;
    },
    dispose: release,
  };
}
