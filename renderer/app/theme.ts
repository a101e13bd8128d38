import { useEffect } from 'react';
import { useSettings, type Theme } from '../state/settings.ts';

/** `system` follows the OS (console.css picks light or dark by `color-scheme`); the others pin the theme. */
export function applyTheme(root: HTMLElement, theme: Theme): void {
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

export function useTheme(): void {
  const theme = useSettings((s) => s.theme);
  useEffect(() => applyTheme(document.documentElement, theme), [theme]);
}
