import { useEffect, useState } from 'react';
import type { ChartPalette } from './metrics-charts.ts';

// Neutral greys, only for where console.css is not loaded (component tests): a canvas cannot
// read var(--…) itself, so the theme's colours are read from the root element's computed style.
const FALLBACK = '#808080';

export function readPalette(root: HTMLElement): ChartPalette {
  const css = getComputedStyle(root);
  const read = (name: string): string => css.getPropertyValue(name).trim() || FALLBACK;
  return { text: read('--text'), muted: read('--muted'), grid: read('--border'), bar: read('--accent') };
}

const same = (a: ChartPalette, b: ChartPalette): boolean => a.text === b.text && a.muted === b.muted && a.grid === b.grid && a.bar === b.bar;

/**
 * The chart colours of the theme showing now, read again when it changes: the console's theme
 * setting (`data-theme` on the root, set by useTheme) or the system's light/dark preference.
 */
export function useChartPalette(): ChartPalette {
  const [palette, setPalette] = useState<ChartPalette>(() => readPalette(document.documentElement));
  useEffect(() => {
    const root = document.documentElement;
    const update = (): void => setPalette((current) => {
      const next = readPalette(root);
      return same(current, next) ? current : next;
    });
    const observer = new MutationObserver(update);
    observer.observe(root, { attributes: true, attributeFilter: ['data-theme', 'style', 'class'] });
    const scheme = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
    scheme?.addEventListener('change', update);
    update();
    return () => {
      observer.disconnect();
      scheme?.removeEventListener('change', update);
    };
  }, []);
  return palette;
}
