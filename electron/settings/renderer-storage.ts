import { SECRET_STORAGE_KEYS } from '../../shared/protocol/bridge.ts';
import type { Log } from '../logging/log.ts';
import { secretsNotice, unreadableNotice, type SealedSecret, type SecretProtection, type Secrets } from './secrets.ts';
import type { SettingsStore } from './settings-store.ts';

export interface RendererStorage {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface RendererStorageOptions {
  settings: SettingsStore;
  secrets: Secrets;
  /** Tells the agent something they need to know, once (a native message box in the app). */
  tell(notice: { title: string; message: string }): void;
  /** A saved secret cannot be read now (kept as it is), or (null) that no longer holds. */
  onUnreadable?(notice: { title: string; message: string } | null): void;
  log: Log;
  secretKeys?: readonly string[];
}

/**
 * The console's storage (`storage:*` on the bridge), kept in the settings file. Values under the
 * secret keys (the token) are encrypted with safeStorage; where that is only obfuscation (Linux
 * `basic_text`) the agent is told once, and where it is unavailable the secret stays in memory.
 * A saved secret that cannot be decrypted now reads as absent but stays in the file (the keyring
 * may be locked, or another password store in use): only a new value or a removal replaces it.
 */
export function createRendererStorage({ settings, secrets, tell, onUnreadable = () => undefined, log, secretKeys = SECRET_STORAGE_KEYS }: RendererStorageOptions): RendererStorage {
  const secret = new Set(secretKeys);
  const inMemory = new Map<string, string>();
  const unreadable = new Set<string>();
  let toldUnavailable = false;

  const readable = (key: string): void => {
    if (unreadable.delete(key) && unreadable.size === 0) onUnreadable(null);
  };

  const write = (key: string, value: { plain: string } | SealedSecret | undefined): void => {
    settings.update((s) => {
      const storage = { ...s.storage };
      if (value) storage[key] = value;
      else delete storage[key];
      return { ...s, storage };
    });
  };

  const explain = (protection: SecretProtection): void => {
    const notice = secretsNotice(protection);
    if (!notice) return;
    if (protection === 'basic_text') {
      if (settings.get().notices.plainTextSecrets) return;
      settings.update((s) => ({ ...s, notices: { ...s.notices, plainTextSecrets: true } }));
    } else {
      if (toldUnavailable) return;
      toldUnavailable = true;
    }
    log.warn(notice.title, { protection });
    tell(notice);
  };

  const storeSecret = async (key: string, value: string): Promise<void> => {
    const protection = await secrets.protection();
    const encrypted = protection === 'unavailable' ? null : await secrets.encrypt(value);
    if (encrypted === null) {
      inMemory.set(key, value);
      write(key, undefined);
    } else {
      inMemory.delete(key);
      write(key, encrypted);
    }
    readable(key);
    explain(encrypted === null ? 'unavailable' : protection);
  };

  return {
    async get(key) {
      if (inMemory.has(key)) return inMemory.get(key)!;
      const stored = settings.get().storage[key];
      if (!stored) return null;
      if ('plain' in stored) {
        // A secret never belongs on disk in plain text (a provisioned or hand-edited file): encrypt it now.
        if (secret.has(key)) await storeSecret(key, stored.plain);
        return stored.plain;
      }
      const decrypted = await secrets.decrypt(stored);
      if ('why' in decrypted) {
        log.warn('A saved secret cannot be decrypted now; it is kept.', { key, ...decrypted });
        unreadable.add(key);
        onUnreadable(unreadableNotice(decrypted));
        return null;
      }
      if (decrypted.reencrypted) write(key, decrypted.reencrypted);
      readable(key);
      return decrypted.text;
    },
    async set(key, value) {
      if (secret.has(key)) return storeSecret(key, value);
      write(key, { plain: value });
    },
    async remove(key) {
      inMemory.delete(key);
      readable(key);
      if (settings.get().storage[key]) write(key, undefined);
    },
  };
}
