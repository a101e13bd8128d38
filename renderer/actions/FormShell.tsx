import { useEffect, useRef, type FormEvent, type ReactNode } from 'react';
import { closeForm } from '../state/ui.ts';

interface FormShellProps {
  label: string;
  onSubmit: () => boolean;
  children: ReactNode;
}

/**
 * The frame of every action form: named for screen readers, focus on its first field when it opens
 * (and back when it closes), Escape or Cancel closes it, and Confirm sends only when `onSubmit` says the form is complete.
 * (Confirm and Cancel share no words with the action buttons, so each name stays unique.)
 */
export function FormShell({ label, onSubmit, children }: FormShellProps) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // Back to where the agent was (the action's button, or the inbox row) when the form closes.
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.querySelector<HTMLElement>('input:not([type=hidden]), textarea, select')?.focus();
    return () => {
      if (before?.isConnected) before.focus();
    };
  }, []);
  return (
    <form
      ref={ref}
      className="action-form"
      aria-label={label}
      noValidate
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        if (onSubmit()) closeForm();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          closeForm();
        }
      }}
    >
      {children}
      <div className="form-buttons">
        <button type="submit" className="primary">
          Confirm
        </button>
        <button type="button" onClick={closeForm}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function FieldError({ id, message }: { id: string; message: string | null }) {
  return (
    <p id={id} className="field-error" role={message ? 'alert' : undefined}>
      {message}
    </p>
  );
}
