import { z } from 'zod';
import { HttpUrl } from '../../shared/protocol/packet.ts';
import { isGlobalAccelerator } from '../shortcut/accelerator.ts';

/** The layout this build writes. Older files are brought up to it by MIGRATIONS, in order. */
export const SETTINGS_VERSION = 1;

export const DEFAULT_SHORTCUT = 'CommandOrControl+Alt+B';
export const MIN_WINDOW = { width: 720, height: 480 } as const;
export const DEFAULT_WINDOW = { width: 1180, height: 780 } as const;

const Bounds = z.strictObject({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(MIN_WINDOW.width).max(20_000),
  height: z.number().int().min(MIN_WINDOW.height).max(20_000),
});
export type Bounds = z.infer<typeof Bounds>;

const Accelerator = z.string().refine(isGlobalAccelerator, 'an accelerator with a modifier, such as CommandOrControl+Alt+B');

/**
 * What the desktop keeps for the console (`storage:*`): plain text, or a secret encrypted with
 * safeStorage (base64) and, on Linux, the password store that encrypted it.
 */
export const StoredValue = z.union([z.strictObject({ plain: z.string() }), z.strictObject({ encrypted: z.base64(), backend: z.string().min(1).max(40).optional() })]);
export type StoredValue = z.infer<typeof StoredValue>;

const FIELDS = {
  version: z.literal(SETTINGS_VERSION),
  /** The hub to connect to; null runs the local demo hub (the embedded default). */
  hubUrl: HttpUrl.nullable(),
  embeddedHub: z.strictObject({
    /** The port the local hub had last time (0: any free one), so the console's saved address stays valid. */
    port: z.number().int().min(0).max(65_535),
    /** The demo people's tokens (published demo credentials, not secrets); a saved token that is none of them is an account of the agent's own. */
    tokens: z.array(z.string()),
  }),
  window: z.strictObject({ bounds: Bounds.nullable(), maximized: z.boolean() }),
  /** Brings the window forward on the newest offer; null: no global shortcut. */
  shortcut: Accelerator.nullable(),
  presence: z.strictObject({
    /** Screen lock and sleep set the agent away (and unlock or wake restores them). */
    awayOnLock: z.boolean(),
    /** Minutes without keyboard or mouse before the agent is set away; 0 turns it off. */
    idleMinutes: z.number().int().min(0).max(240),
  }),
  /** Messages the agent has seen once and need not see again. */
  notices: z.strictObject({ plainTextSecrets: z.boolean() }),
  /** The console's key/value storage. */
  storage: z.record(z.string(), StoredValue),
};

export const Settings = z.strictObject(FIELDS);
export type Settings = z.infer<typeof Settings>;

export function defaultSettings(): Settings {
  return {
    version: SETTINGS_VERSION,
    hubUrl: null,
    embeddedHub: { port: 0, tokens: [] },
    window: { bounds: null, maximized: false },
    shortcut: DEFAULT_SHORTCUT,
    presence: { awayOnLock: true, idleMinutes: 10 },
    notices: { plainTextSecrets: false },
    storage: {},
  };
}

type Raw = Record<string, unknown>;

/**
 * MIGRATIONS[n] turns a version-n file into version n+1.
 * Version 0 is a file without `version`: what an administrator writes to provision the app,
 * with flat keys (`hubUrl`, `shortcut`, `idleMinutes`, `awayOnLock`). An empty file is one too.
 */
export const MIGRATIONS: Record<number, (raw: Raw) => Raw> = {
  0: (raw) => {
    const defaults = defaultSettings();
    return {
      ...defaults,
      ...('hubUrl' in raw && { hubUrl: raw.hubUrl }),
      ...('shortcut' in raw && { shortcut: raw.shortcut }),
      presence: {
        awayOnLock: raw.awayOnLock ?? defaults.presence.awayOnLock,
        idleMinutes: raw.idleMinutes ?? defaults.presence.idleMinutes,
      },
      version: 1,
    };
  },
};

export interface LoadedSettings {
  settings: Settings;
  /** The version the file had (0: provisioning or empty). */
  fromVersion: number;
  /** Fields that were invalid and fell back to their defaults, or entries of `storage` dropped. */
  reset: string[];
  /** Whether what should be on disk differs from what was read. */
  changed: boolean;
}

/**
 * Reads whatever is in the settings file: migrates it to the current layout, keeps every valid
 * field, and puts the default in place of each invalid one (naming it) rather than losing the rest.
 */
export function loadSettings(input: unknown): LoadedSettings {
  let raw: Raw = isRecord(input) ? input : {};
  const declared = raw.version;
  const fromVersion = declared === undefined ? 0 : typeof declared === 'number' && Number.isInteger(declared) && declared >= 0 ? declared : -1;
  const reset: string[] = fromVersion === -1 ? ['version'] : [];
  for (let version = Math.max(fromVersion, 0); version < SETTINGS_VERSION; version++) {
    raw = MIGRATIONS[version]!(raw);
  }
  // A file from a newer Baton: keep what this one understands.
  if (fromVersion > SETTINGS_VERSION) reset.push('version');

  const defaults = defaultSettings();
  const settings = { ...defaults } as Record<keyof Settings, unknown>;
  for (const key of Object.keys(FIELDS) as Array<keyof Settings>) {
    if (key === 'version') continue;
    if (key === 'storage') {
      settings.storage = readStorage(raw.storage, reset);
      continue;
    }
    const parsed = FIELDS[key].safeParse(raw[key]);
    if (parsed.success) settings[key] = parsed.data;
    else if (raw[key] !== undefined) reset.push(key);
  }
  const result = Settings.parse(settings);
  return { settings: result, fromVersion, reset, changed: fromVersion !== SETTINGS_VERSION || reset.length > 0 || !sameJson(input, result) };
}

function readStorage(value: unknown, reset: string[]): Settings['storage'] {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    reset.push('storage');
    return {};
  }
  const storage: Settings['storage'] = {};
  for (const [key, entry] of Object.entries(value)) {
    const parsed = StoredValue.safeParse(entry);
    if (parsed.success) storage[key] = parsed.data;
    else reset.push(`storage.${key}`);
  }
  return storage;
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
