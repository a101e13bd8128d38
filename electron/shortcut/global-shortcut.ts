import type { GlobalShortcut } from 'electron';
import type { Log } from '../logging/log.ts';
import { isGlobalAccelerator } from './accelerator.ts';

export type GlobalShortcutPort = Pick<GlobalShortcut, 'register' | 'unregister'>;

export interface NewestOfferShortcut {
  /** Registers this accelerator instead of the current one (null: none); false when it could not be (`onProblem` heard why). */
  apply(accelerator: string | null): boolean;
  dispose(): void;
}

/**
 * The system-wide shortcut that brings Baton forward on the newest offer. One that cannot be had
 * (taken by another application, refused by the desktop, or an error from the OS) is reported
 * through `onProblem`, in words for the agent, and never stops Baton; `onProblem(null)` once it works.
 */
export function createNewestOfferShortcut({
  globalShortcut,
  onPress,
  onProblem = () => undefined,
  log,
}: {
  globalShortcut: GlobalShortcutPort;
  onPress(): void;
  onProblem?(message: string | null): void;
  log: Log;
}): NewestOfferShortcut {
  let current: string | null = null;
  const release = (): void => {
    if (current) {
      try {
        globalShortcut.unregister(current);
      } catch (error) {
        log.warn('The shortcut could not be released.', { accelerator: current, error: String(error) });
      }
    }
    current = null;
  };
  const problem = (accelerator: string, message: string, details: Record<string, unknown> = {}): false => {
    log.warn(message, { accelerator, ...details });
    onProblem(message);
    return false;
  };
  return {
    apply(accelerator) {
      if (accelerator !== null && accelerator === current) return true;
      release();
      if (accelerator === null) {
        onProblem(null);
        return true;
      }
      if (!isGlobalAccelerator(accelerator)) return problem(accelerator, `The shortcut ${accelerator} in the settings is not a valid key combination, so Baton has no global shortcut.`);
      let registered: boolean;
      try {
        registered = globalShortcut.register(accelerator, onPress);
      } catch (error) {
        return problem(accelerator, `The system did not let Baton use ${accelerator} as its global shortcut; the newest offer is still one click away in the window.`, { error: String(error) });
      }
      if (!registered) return problem(accelerator, `Another application already uses ${accelerator}, so Baton's global shortcut is off; pick another combination in Baton's settings file.`);
      current = accelerator;
      onProblem(null);
      return true;
    },
    dispose: release,
  };
}
