import type { Rectangle } from 'electron';
import { DEFAULT_WINDOW, MIN_WINDOW, type Bounds } from '../settings/schema.ts';

// How much of the title bar must be on a screen for saved bounds to be used: enough to grab it.
const VISIBLE = { width: 120, height: 40 };

/**
 * Where the window opens: where it was, if enough of it is on a screen that still exists (a
 * laptop undocked from its monitor would otherwise open off-screen), else the default size,
 * centred by the OS.
 */
export function restoreBounds(saved: Bounds | null, workAreas: Rectangle[]): Partial<Bounds> & { width: number; height: number } {
  if (!saved) return { ...DEFAULT_WINDOW };
  const area = workAreas.find((a) => overlap(saved, a).width >= VISIBLE.width && overlap(saved, a).height >= VISIBLE.height && saved.y >= a.y);
  // Off every screen: keep the size (within the main screen) and let the OS place it.
  if (!area) return fit(saved, workAreas[0]);
  return { x: saved.x, y: saved.y, ...fit(saved, area) };
}

function fit(saved: Bounds, area: Rectangle | undefined): { width: number; height: number } {
  if (!area) return { width: saved.width, height: saved.height };
  return {
    width: Math.max(MIN_WINDOW.width, Math.min(saved.width, area.width)),
    height: Math.max(MIN_WINDOW.height, Math.min(saved.height, area.height)),
  };
}

function overlap(a: Bounds, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}
