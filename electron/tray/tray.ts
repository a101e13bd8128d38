import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import type { Presence } from '../../shared/protocol/agent.ts';

export interface TrayState {
  /** Offers waiting for the agent (the same count as the badge). */
  pending: number;
  /** As the hub last said; null while signed out. */
  presence: Presence | null;
}

export interface TrayActions {
  open(): void;
  quit(): void;
  setPresence(status: 'available' | 'away'): void;
}

export function pendingLabel(pending: number): string {
  if (pending === 0) return 'No offers waiting';
  return pending === 1 ? '1 offer waiting' : `${pending} offers waiting`;
}

/** The tray menu: what is waiting, the presence switch, open and quit. */
export function trayMenuTemplate(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  const signedIn = state.presence !== null;
  return [
    { id: 'pending', label: pendingLabel(state.pending), enabled: false },
    { type: 'separator' },
    { id: 'available', label: 'Available', type: 'radio', checked: state.presence === 'available', enabled: signedIn, click: () => actions.setPresence('available') },
    { id: 'away', label: 'Away', type: 'radio', checked: state.presence === 'away', enabled: signedIn, click: () => actions.setPresence('away') },
    { type: 'separator' },
    { id: 'open', label: 'Open Baton', click: () => actions.open() },
    { id: 'quit', label: 'Quit Baton', click: () => actions.quit() },
  ];
}

export type TrayPort = Pick<Tray, 'setContextMenu' | 'setToolTip' | 'setTitle' | 'on' | 'destroy'>;

export interface TrayController {
  update(change: Partial<TrayState>): void;
  readonly state: TrayState;
  destroy(): void;
}

/**
 * The tray icon, beside the agent's other tools: its menu and tooltip follow the pending count
 * and presence; clicking it (Windows, Linux) opens the window, and on macOS the count shows
 * beside the icon.
 */
export function createTray({
  createTray,
  buildMenu,
  icon,
  platform,
  actions,
}: {
  createTray(icon: NativeImage | string): TrayPort;
  buildMenu(template: MenuItemConstructorOptions[]): Menu;
  icon: NativeImage | string;
  platform: NodeJS.Platform;
  actions: TrayActions;
}): TrayController {
  const tray = createTray(icon);
  let state: TrayState = { pending: 0, presence: null };
  const render = (): void => {
    tray.setContextMenu(buildMenu(trayMenuTemplate(state, actions)));
    tray.setToolTip(state.pending > 0 ? `Baton: ${pendingLabel(state.pending)}` : 'Baton');
    if (platform === 'darwin') tray.setTitle(state.pending > 0 ? String(state.pending) : '');
  };
  if (platform !== 'darwin') tray.on('click', () => actions.open());
  render();
  return {
    update(change) {
      const next = { ...state, ...change };
      if (next.pending === state.pending && next.presence === state.presence) return;
      state = next;
      render();
    },
    get state() {
      return state;
    },
    destroy: () => tray.destroy(),
  };
}
