import { useEffect, useRef } from 'react';
import { setHelpOpen, useUi } from '../state/ui.ts';
import { SHORTCUTS } from './shortcuts.ts';

export function ShortcutHelp() {
  const open = useUi((s) => s.helpOpen);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    return () => before?.focus?.();
  }, [open]);
  if (!open) return null;
  return (
    <div className="overlay" onClick={() => setHelpOpen(false)}>
      <div role="dialog" aria-modal="true" aria-labelledby="help-title" className="dialog" onClick={(e) => e.stopPropagation()}>
        <h2 id="help-title">Keyboard shortcuts</h2>
        <p className="muted">Single keys work anywhere except while typing in a field.</p>
        <dl className="keys">
          {SHORTCUTS.map(({ keys, does }) => (
            <div key={keys}>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{does}</dd>
            </div>
          ))}
        </dl>
        <button ref={close} type="button" onClick={() => setHelpOpen(false)}>
          Close
        </button>
      </div>
    </div>
  );
}
