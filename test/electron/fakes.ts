// Fakes of the Electron APIs the main process is given: small, recording, driven by the tests.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, NotificationConstructorOptions } from 'electron';
import type { Log } from '../../electron/logging/log.ts';

export function recordingLog(): Log & { entries: Array<{ level: string; message: string; details?: Record<string, unknown> }> } {
  const entries: Array<{ level: string; message: string; details?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, details?: Record<string, unknown>) => void entries.push({ level, message, ...(details && { details }) });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

/** An Electron-style event: preventDefault() records that it was called. */
export function electronEvent<T extends object>(fields: T = {} as T): T & { preventDefault(): void; defaultPrevented: boolean } {
  const event = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

export class FakeNotification extends EventEmitter {
  shown = false;
  closed = false;
  constructor(readonly options: NotificationConstructorOptions) {
    super();
  }
  show(): void {
    this.shown = true;
  }
  close(): void {
    this.closed = true;
  }
}

export function fakeNotifications() {
  const created: FakeNotification[] = [];
  return {
    created,
    createNotification: (options: NotificationConstructorOptions) => {
      const notification = new FakeNotification(options);
      created.push(notification);
      return notification as never;
    },
  };
}

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: Array<[string, unknown]> = [];
  destroyed = false;
  reloads = 0;
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  reload(): void {
    this.reloads++;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler;
  }
  /** Events sent on one channel, in order. */
  sentOn(channel: string): unknown[] {
    return this.sent.filter(([c]) => c === channel).map(([, p]) => p);
  }
}

export class FakeWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  visible = false;
  focused = false;
  minimized = false;
  maximized = false;
  destroyed = false;
  bounds = { x: 10, y: 20, width: 1000, height: 700 };
  loaded: string | undefined;
  overlay: { image: unknown; description: string } | undefined;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused = true;
  }
  restore(): void {
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  maximize(): void {
    this.maximized = true;
  }
  getNormalBounds() {
    return this.bounds;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  async loadURL(url: string): Promise<void> {
    this.loaded = url;
  }
  setOverlayIcon(image: unknown, description: string): void {
    this.overlay = { image, description };
  }
  /** What the OS does when the agent clicks the window's close button. */
  clickClose(): { defaultPrevented: boolean } {
    const event = electronEvent();
    this.emit('close', event);
    return event;
  }
}

export class FakeTray extends EventEmitter {
  menu: MenuItemConstructorOptions[] = [];
  tooltip = '';
  title = '';
  destroyed = false;
  constructor(readonly icon: unknown) {
    super();
  }
  setContextMenu(menu: unknown): void {
    this.menu = menu as MenuItemConstructorOptions[];
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(text: string): void {
    this.title = text;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** Clicks a menu item by id. */
  choose(id: string): void {
    const item = this.menu.find((i) => i.id === id);
    if (!item?.click) throw new Error(`no clickable menu item ${id}`);
    (item.click as () => void)();
  }
  item(id: string): MenuItemConstructorOptions {
    return this.menu.find((i) => i.id === id)!;
  }
}

export class FakeIpcMain {
  readonly handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke from `sender` would get. */
  async invoke(channel: string, sender: { id: number; url: string; subframe?: boolean }, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const event = { sender: { id: sender.id }, senderFrame: { url: sender.url, parent: sender.subframe ? {} : null } };
    return handler(event, ...args);
  }
}

export class FakePowerMonitor extends EventEmitter {
  idleState: 'active' | 'idle' | 'locked' | 'unknown' = 'active';
  readonly thresholds: number[] = [];
  getSystemIdleState(threshold: number) {
    this.thresholds.push(threshold);
    return this.idleState;
  }
}

/** Timers the test advances by hand. */
export function manualTimers() {
  let now = 0;
  let nextId = 1;
  const tasks = new Map<number, { at: number; every?: number; run: () => void }>();
  return {
    setTimeout: (run: () => void, ms: number) => {
      const id = nextId++;
      tasks.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (id: unknown) => void tasks.delete(id as number),
    setInterval: (run: () => void, ms: number) => {
      const id = nextId++;
      tasks.set(id, { at: now + ms, every: ms, run });
      return id;
    },
    clearInterval: (id: unknown) => void tasks.delete(id as number),
    /** Runs everything due within `ms`, in time order. */
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...tasks.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        const [id, task] = due;
        now = task.at;
        if (task.every) task.at += task.every;
        else tasks.delete(id);
        task.run();
      }
      now = until;
    },
    pending: () => tasks.size,
  };
}

export function fakeSafeStorage({ available = true, backend = 'gnome_libsecret' }: { available?: boolean; backend?: string } = {}) {
  return {
    available,
    backend,
    rotate: false,
    /** False: the password store answers but cannot decrypt (another store, a replaced keyring). */
    readable: true,
    async isAsyncEncryptionAvailable() {
      return this.available;
    },
    async encryptStringAsync(text: string) {
      return Buffer.from(`sealed:${text}`);
    },
    async decryptStringAsync(encrypted: Buffer) {
      const text = encrypted.toString();
      if (!this.available || !this.readable || !text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return { result: text.slice('sealed:'.length), shouldReEncrypt: this.rotate };
    },
    getSelectedStorageBackend() {
      return this.backend as never;
    },
  };
}

export class FakeUtilityProcess extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly posted: unknown[] = [];
  killed = false;
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: unknown,
  ) {
    super();
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
  /** The hub process reports, as process.parentPort.postMessage would. */
  report(message: unknown): void {
    this.emit('message', message);
  }
  exit(code: number): void {
    this.emit('exit', code);
  }
}

export function fakeFork() {
  const forked: FakeUtilityProcess[] = [];
  return {
    forked,
    fork: (modulePath: string, args: string[], options: unknown) => {
      const child = new FakeUtilityProcess(modulePath, args, options);
      forked.push(child);
      return child as never;
    },
  };
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
