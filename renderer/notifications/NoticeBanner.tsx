import type { ReactNode } from 'react';
import { Text } from '../ui/Text.tsx';

interface NoticeBannerProps {
  /** The banner's accessible name. */
  label: string;
  /** The line that says what happened (its parts are already text-safe nodes). */
  children: ReactNode;
  /** The note that came with it (the lead's, or the status change's), always shown as text. */
  note?: string | null | undefined;
  onOpen?: (() => void) | undefined;
  onDismiss: () => void;
}

/** One in-app notice (reassigned work, a product status change): what happened, the note, Open and Dismiss. */
export function NoticeBanner({ label, children, note, onOpen, onDismiss }: NoticeBannerProps) {
  return (
    <section role="status" className="reassigned-banner" aria-label={label}>
      <p>{children}</p>
      {note && (
        <Text as="blockquote" className="reassigned-note">
          {note}
        </Text>
      )}
      <div className="reassigned-actions">
        {onOpen && (
          <button type="button" onClick={onOpen}>
            Open
          </button>
        )}
        <button type="button" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </section>
  );
}
