import { describe, expect, it, vi } from 'vitest';
import { createRendererStorage } from '../../electron/settings/renderer-storage.ts';
import { DEFAULT_SHORTCUT, SETTINGS_VERSION, defaultSettings, loadSettings } from '../../electron/settings/schema.ts';
import { createSecrets, secretsNotice } from '../../electron/settings/secrets.ts';
import { openSettings } from '../../electron/settings/settings-store.ts';
import { isGlobalAccelerator } from '../../electron/shortcut/accelerator.ts';
import { fakeSafeStorage, recordingLog } from './fakes.ts';

describe('settings: schema and migrations', () => {
  it('a new install starts from the defaults: the embedded demo hub, a shortcut, away on lock, 10 idle minutes', () => {
    const { settings, fromVersion, reset } = loadSettings({});
    expect(settings).toEqual(defaultSettings());
    expect(settings).toMatchObject({ hubUrl: null, shortcut: DEFAULT_SHORTCUT, presence: { awayOnLock: true, idleMinutes: 10 } });
    expect(fromVersion).toBe(0);
    expect(reset).toEqual([]);
  });

  it('a provisioning file (no version, flat keys) is migrated to the current layout', () => {
    const { settings, fromVersion, changed } = loadSettings({ hubUrl: 'https://hub.acme.example', shortcut: 'Alt+Shift+O', idleMinutes: 5, awayOnLock: false });
    expect(fromVersion).toBe(0);
    expect(changed).toBe(true);
    expect(settings).toMatchObject({
      version: SETTINGS_VERSION,
      hubUrl: 'https://hub.acme.example',
      shortcut: 'Alt+Shift+O',
      presence: { awayOnLock: false, idleMinutes: 5 },
      storage: {},
    });
  });

  it('keeps every valid field and resets each invalid one to its default, naming it', () => {
    const stored = {
      ...defaultSettings(),
      hubUrl: 'javascript:alert(1)',
      shortcut: 'B', // a global shortcut needs a modifier
      presence: { awayOnLock: false, idleMinutes: 3 },
      window: { bounds: { x: 0, y: 0, width: 10, height: 10 }, maximized: true },
      storage: { 'baton.settings': { plain: '{}' }, 'baton.token': { encrypted: '***not base64***' } },
    };
    const { settings, reset } = loadSettings(stored);
    expect(reset.sort()).toEqual(['hubUrl', 'shortcut', 'storage.baton.token', 'window'].sort());
    expect(settings.hubUrl).toBeNull();
    expect(settings.shortcut).toBe(DEFAULT_SHORTCUT);
    expect(settings.presence).toEqual({ awayOnLock: false, idleMinutes: 3 });
    expect(settings.window).toEqual({ bounds: null, maximized: false });
    expect(settings.storage).toEqual({ 'baton.settings': { plain: '{}' } });
  });

  it('reads what it can of a file from a newer Baton, and of one that is not an object', () => {
    const newer = loadSettings({ ...defaultSettings(), version: SETTINGS_VERSION + 1, hubUrl: 'https://hub.example', futureField: 1 });
    expect(newer.settings.hubUrl).toBe('https://hub.example');
    expect(newer.reset).toContain('version');
    expect(loadSettings([1, 2]).settings).toEqual(defaultSettings());
    expect(loadSettings({ version: 'one' }).reset).toContain('version');
  });

  it('openSettings writes a migrated or repaired file back, and leaves a current one alone', () => {
    const log = recordingLog();
    const old = { store: { hubUrl: 'https://hub.example' } as Record<string, unknown> };
    openSettings({ file: old, log });
    expect(old.store).toMatchObject({ version: SETTINGS_VERSION, hubUrl: 'https://hub.example' });
    expect(log.entries).toContainEqual(expect.objectContaining({ message: 'Settings migrated.' }));

    const current = { store: structuredClone(defaultSettings()) as unknown as Record<string, unknown> };
    const before = current.store;
    openSettings({ file: current, log });
    expect(current.store).toBe(before);
  });

  it('update writes the file and tells listeners what changed', () => {
    const file = { store: {} as Record<string, unknown> };
    const settings = openSettings({ file, log: recordingLog() });
    const heard = vi.fn();
    settings.onChange(heard);
    settings.update((s) => ({ ...s, shortcut: null }));
    expect(file.store.shortcut).toBeNull();
    expect(heard).toHaveBeenCalledWith(expect.objectContaining({ shortcut: null }), expect.objectContaining({ shortcut: DEFAULT_SHORTCUT }));
  });

  it.each([
    ['CommandOrControl+Alt+B', true],
    ['Ctrl+Shift+F12', true],
    ['Alt+Plus', true],
    ['Super+Space', true],
    ['B', false],
    ['Ctrl+Ctrl+B', false],
    ['Ctrl+Hyper+B', false],
    ['Ctrl+', false],
    ['', false],
  ])('accelerator %s is %s', (text, valid) => {
    expect(isGlobalAccelerator(text)).toBe(valid);
  });
});

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the defaults' assertions widen the parameters for the tests that pass their own
function storageWith({ available = true, backend = 'gnome_libsecret', platform = 'linux' as NodeJS.Platform, file = { store: {} as Record<string, unknown> } } = {}) {
  const safeStorage = fakeSafeStorage({ available, backend });
  const settings = openSettings({ file, log: recordingLog() });
  const told: Array<{ title: string; message: string }> = [];
  const unreadable: Array<{ title: string; message: string } | null> = [];
  const log = recordingLog();
  const storage = createRendererStorage({ settings, secrets: createSecrets({ safeStorage, platform }), tell: (n) => told.push(n), onUnreadable: (n) => unreadable.push(n), log });
  return { storage, settings, file, told, unreadable, safeStorage, log };
}

describe('the console storage and the token', () => {
  it('keeps ordinary values as they are and the token encrypted with safeStorage', async () => {
    const { storage, file, told } = storageWith();
    await storage.set('baton.settings', '{"theme":"dark"}');
    await storage.set('baton.token', 'tok-ana');
    const stored = (file.store.storage ?? {}) as Record<string, unknown>;
    expect(stored['baton.settings']).toEqual({ plain: '{"theme":"dark"}' });
    // On Linux the password store that encrypted it is recorded with it.
    expect(stored['baton.token']).toEqual({ encrypted: Buffer.from('sealed:tok-ana').toString('base64'), backend: 'gnome_libsecret' });
    expect(JSON.stringify(file.store)).not.toContain('tok-ana');
    expect(await storage.get('baton.token')).toBe('tok-ana');
    expect(told).toEqual([]);
    await storage.remove('baton.token');
    expect(await storage.get('baton.token')).toBeNull();
  });

  it('keeps a provider session and a sign-in under way encrypted too', async () => {
    const { storage, file } = storageWith();
    await storage.set('baton.session', '{"refreshToken":"ref_secret"}');
    await storage.set('baton.sign-in.pending', '{"verifier":"pkce-verifier-secret"}');
    expect(JSON.stringify(file.store)).not.toContain('ref_secret');
    expect(JSON.stringify(file.store)).not.toContain('pkce-verifier-secret');
    expect(await storage.get('baton.session')).toBe('{"refreshToken":"ref_secret"}');
  });

  it('tells the agent plainly, once per install, when Linux offers only the basic_text backend', async () => {
    const { storage, told, settings } = storageWith({ backend: 'basic_text' });
    await storage.set('baton.token', 'tok-1');
    await storage.set('baton.token', 'tok-2');
    expect(told).toHaveLength(1);
    expect(told[0]!.title).toBe('Your sign-in token is not encrypted on this computer');
    expect(told[0]!.message).toMatch(/basic_text/);
    expect(told[0]!.message).toMatch(/GNOME Keyring or KWallet/);
    expect(settings.get().notices.plainTextSecrets).toBe(true);
    expect(await storage.get('baton.token')).toBe('tok-2');
  });

  it('basic_text is only a Linux matter: the same backend name elsewhere is not reported', async () => {
    const { storage, told } = storageWith({ backend: 'basic_text', platform: 'darwin' });
    await storage.set('baton.token', 'tok');
    expect(told).toEqual([]);
  });

  it('with no encryption at all the token stays in memory for this session, and the agent is told', async () => {
    const { storage, told, file } = storageWith({ available: false });
    await storage.set('baton.token', 'tok-ana');
    expect(await storage.get('baton.token')).toBe('tok-ana');
    expect(JSON.stringify(file.store)).not.toContain('tok-ana');
    expect((file.store.storage as Record<string, unknown>)['baton.token']).toBeUndefined();
    expect(told.map((n) => n.title)).toEqual(['Baton cannot save your sign-in token on this computer']);
  });

  it('a token left in plain text (a provisioned file) is encrypted the first time it is read', async () => {
    const file = { store: { ...defaultSettings(), storage: { 'baton.token': { plain: 'tok-provisioned' } } } as unknown as Record<string, unknown> };
    const { storage } = storageWith({ file });
    expect(await storage.get('baton.token')).toBe('tok-provisioned');
    expect((file.store.storage as Record<string, unknown>)['baton.token']).toEqual({ encrypted: Buffer.from('sealed:tok-provisioned').toString('base64'), backend: 'gnome_libsecret' });
  });

  it('a token saved under one password store and read under another is kept, and the agent is told which store to start Baton with', async () => {
    const { storage, file, unreadable, safeStorage, log } = storageWith({ backend: 'gnome_libsecret' });
    await storage.set('baton.token', 'tok-ana');
    const saved = structuredClone((file.store.storage as Record<string, unknown>)['baton.token']);
    safeStorage.backend = 'kwallet6';
    safeStorage.readable = false;
    expect(await storage.get('baton.token')).toBeNull();
    expect((file.store.storage as Record<string, unknown>)['baton.token']).toEqual(saved);
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]!.message).toMatch(/"gnome_libsecret".*"kwallet6".*--password-store=gnome-libsecret/);
    expect(log.entries.at(-1)).toMatchObject({ level: 'warn', details: { why: 'backend-changed', savedWith: 'gnome_libsecret', now: 'kwallet6' } });

    // Back under the store that wrote it: read as before, and the notice is withdrawn.
    safeStorage.backend = 'gnome_libsecret';
    safeStorage.readable = true;
    expect(await storage.get('baton.token')).toBe('tok-ana');
    expect(unreadable.at(-1)).toBeNull();
  });

  it('a token that cannot be read while the keyring is locked is kept, and the agent is told to unlock it', async () => {
    const { storage, file, unreadable, safeStorage } = storageWith();
    await storage.set('baton.token', 'tok-ana');
    safeStorage.available = false;
    expect(await storage.get('baton.token')).toBeNull();
    expect((file.store.storage as Record<string, { encrypted: string }>)['baton.token']!.encrypted).toBe(Buffer.from('sealed:tok-ana').toString('base64'));
    expect(unreadable[0]!.message).toMatch(/locked/);
  });

  it('a token no store can decrypt (another user, a replaced keyring) is kept until the agent signs in again, which replaces it', async () => {
    const file = { store: { ...defaultSettings(), storage: { 'baton.token': { encrypted: Buffer.from('garbage').toString('base64') } } } as unknown as Record<string, unknown> };
    const { storage, unreadable } = storageWith({ file });
    expect(await storage.get('baton.token')).toBeNull();
    expect((file.store.storage as Record<string, unknown>)['baton.token']).toEqual({ encrypted: Buffer.from('garbage').toString('base64') });
    expect(unreadable[0]!.title).toBe('Baton cannot read your saved sign-in right now');
    await storage.set('baton.token', 'tok-new');
    expect(await storage.get('baton.token')).toBe('tok-new');
    expect(unreadable.at(-1)).toBeNull();
  });

  it('re-encrypts a token when safeStorage rotated its key', async () => {
    const { storage, safeStorage, file } = storageWith();
    await storage.set('baton.token', 'tok');
    safeStorage.rotate = true;
    expect(await storage.get('baton.token')).toBe('tok');
    expect((file.store.storage as Record<string, unknown>)['baton.token']).toEqual({ encrypted: Buffer.from('sealed:tok').toString('base64'), backend: 'gnome_libsecret' });
  });

  it('every notice names the problem and what to do', () => {
    expect(secretsNotice('encrypted')).toBeNull();
    expect(secretsNotice('unavailable')?.message).toMatch(/sign in again/);
  });
});
