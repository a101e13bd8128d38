import type { Log } from '../logging/log.ts';
import { loadSettings, type Settings } from './schema.ts';

/** Where the settings live: an electron-store (its `store` property reads and atomically writes the file). */
export interface SettingsFile {
  store: Record<string, unknown>;
  readonly path?: string;
}

export interface SettingsStore {
  get(): Settings;
  /** Applies a change and writes the file; listeners hear about it. */
  update(change: (settings: Settings) => Settings): Settings;
  onChange(listener: (now: Settings, before: Settings) => void): () => void;
}

/** Opens the settings file: migrated, validated, repaired where a field is invalid, and written back if that changed anything. */
export function openSettings({ file, log }: { file: SettingsFile; log: Log }): SettingsStore {
  const loaded = loadSettings(file.store);
  let current = loaded.settings;
  if (loaded.reset.length > 0) {
    log.warn('Some settings were invalid and are back to their defaults.', { fields: loaded.reset, file: file.path });
  }
  if (loaded.fromVersion !== current.version) log.info('Settings migrated.', { from: loaded.fromVersion, to: current.version });
  if (loaded.changed) file.store = structuredClone(current);

  const listeners = new Set<(now: Settings, before: Settings) => void>();
  return {
    get: () => current,
    update(change) {
      const before = current;
      current = change(current);
      file.store = structuredClone(current);
      for (const listener of listeners) listener(current, before);
      return current;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
