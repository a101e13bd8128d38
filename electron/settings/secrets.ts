import type { SafeStorage } from 'electron';

export type SafeStoragePort = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'>;

/**
 * How well secrets are kept on this computer: `encrypted` (Keychain, DPAPI, libsecret, KWallet),
 * `basic_text` (Linux found no keyring: safeStorage only obfuscates with a fixed key), or
 * `unavailable` (nothing: secrets stay in memory for this session).
 */
export type SecretProtection = 'encrypted' | 'basic_text' | 'unavailable';

/** A secret as saved: base64 of the encrypted text and, on Linux, the password store that encrypted it. */
export interface SealedSecret {
  encrypted: string;
  backend?: string;
}

/** Why a saved secret cannot be read now; none of these means it is lost. */
export type Unreadable =
  /** No password store answers (a locked or stopped keyring). */
  | { why: 'unavailable' }
  /** Saved with another password store than the one this session uses (another desktop, or a `--password-store` switch). */
  | { why: 'backend-changed'; savedWith: string; now: string }
  /** The store answers but cannot decrypt it (another user or computer, a replaced keyring, a damaged value). */
  | { why: 'undecryptable' };

export interface Secrets {
  protection(): Promise<SecretProtection>;
  /** The sealed text; null when encryption is unavailable. */
  encrypt(text: string): Promise<SealedSecret | null>;
  /** The text, and a fresh sealing of it when the key was rotated; or why it cannot be read now. */
  decrypt(sealed: SealedSecret): Promise<{ text: string; reencrypted: SealedSecret | null } | Unreadable>;
}

export function createSecrets({ safeStorage, platform }: { safeStorage: SafeStoragePort; platform: NodeJS.Platform }): Secrets {
  // Linux picks its password store per session (desktop, flags): recorded with each secret, so a
  // secret that one store wrote and another cannot read is recognised as such, not as damage.
  const backend = (): string | undefined => (platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined);
  const protection = async (): Promise<SecretProtection> => {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return 'unavailable';
    if (backend() === 'basic_text') return 'basic_text';
    return 'encrypted';
  };
  const encrypt = async (text: string): Promise<SealedSecret | null> => {
    if ((await protection()) === 'unavailable') return null;
    const encrypted = (await safeStorage.encryptStringAsync(text)).toString('base64');
    const by = backend();
    return by ? { encrypted, backend: by } : { encrypted };
  };
  return {
    protection,
    encrypt,
    async decrypt(sealed) {
      try {
        const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(sealed.encrypted, 'base64'));
        return { text: result, reencrypted: shouldReEncrypt ? await encrypt(result) : null };
      } catch {
        if (!(await safeStorage.isAsyncEncryptionAvailable())) return { why: 'unavailable' };
        const now = backend();
        if (sealed.backend && now && sealed.backend !== now) return { why: 'backend-changed', savedWith: sealed.backend, now };
        return { why: 'undecryptable' };
      }
    },
  };
}

/** What the agent is told when their saved sign-in cannot be read now: it is kept, and how to get it back. */
export function unreadableNotice(unreadable: Unreadable): { title: string; message: string } {
  const title = 'Baton cannot read your saved sign-in right now';
  const keep = 'Baton keeps it as it is; signing in again replaces it.';
  switch (unreadable.why) {
    case 'unavailable':
      return { title, message: `Your password store (keyring) did not answer: it may be locked or not running. Unlock it, then restart Baton. ${keep}` };
    case 'backend-changed':
      return {
        title,
        message:
          `It was saved with the "${unreadable.savedWith}" password store, but this session uses "${unreadable.now}" (another desktop, or Baton started with another --password-store). ` +
          `Start Baton the way you did before (for example with --password-store=${unreadable.savedWith === 'gnome_libsecret' ? 'gnome-libsecret' : unreadable.savedWith}) to use it. ${keep}`,
      };
    case 'undecryptable':
      return { title, message: `Your password store could not decrypt it (another user or computer, or a keyring that was replaced). ${keep}` };
  }
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
