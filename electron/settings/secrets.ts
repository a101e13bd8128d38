import type { SafeStorage } from 'electron';

export type SafeStoragePort = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'>;

/**
 * How well secrets are kept on this computer: `encrypted` (Keychain, DPAPI, libsecret, KWallet),
 * `basic_text` (Linux found no keyring: safeStorage only obfuscates with a fixed key), or
 * `unavailable` (nothing: secrets stay in memory for this session).
 */
export type SecretProtection = 'encrypted' | 'basic_text' | 'unavailable';

export interface Secrets {
  protection(): Promise<SecretProtection>;
  /** base64 of the encrypted text; null when encryption is unavailable. */
  encrypt(text: string): Promise<string | null>;
  /** The text, and a fresh encryption of it when the key was rotated; null when it cannot be read. */
  decrypt(base64: string): Promise<{ text: string; reencrypted: string | null } | null>;
}

export function createSecrets({ safeStorage, platform }: { safeStorage: SafeStoragePort; platform: NodeJS.Platform }): Secrets {
  const protection = async (): Promise<SecretProtection> => {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return 'unavailable';
    if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return 'basic_text';
    return 'encrypted';
  };
  const encrypt = async (text: string): Promise<string | null> => {
    if ((await protection()) === 'unavailable') return null;
    return (await safeStorage.encryptStringAsync(text)).toString('base64');
  };
  return {
    protection,
    encrypt,
    async decrypt(base64) {
      try {
        const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(base64, 'base64'));
        return { text: result, reencrypted: shouldReEncrypt ? await encrypt(result) : null };
      } catch {
        return null; // another user's or another machine's key, or a damaged value
      }
    },
  };
}

/** What the agent is told about how their token is kept, in plain words; null when all is well. */
export function secretsNotice(protection: SecretProtection): { title: string; message: string } | null {
  if (protection === 'basic_text') {
    return {
      title: 'Your sign-in token is not encrypted on this computer',
      message:
        'Linux offered Baton no password store (no GNOME Keyring, KWallet or other Secret Service is running), only its "basic_text" fallback. ' +
        'Baton saved your token with that fallback, which hides it from a casual look but is not real encryption: anyone who can read your files can read the token. ' +
        'To have it encrypted, install and unlock GNOME Keyring or KWallet, restart Baton and sign in again.',
    };
  }
  if (protection === 'unavailable') {
    return {
      title: 'Baton cannot save your sign-in token on this computer',
      message:
        'This computer offers no way to store secrets safely, so Baton keeps your token in memory only. You stay signed in until you quit Baton, and will need to sign in again next time.',
    };
  }
  return null;
}
