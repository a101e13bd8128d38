import { useId, useState } from 'react';
import { useController } from '../ui/console-context.tsx';
import { SUGGESTED_NOTES } from './choices.ts';
import { FieldError, FormShell } from './FormShell.tsx';

const NOTE_MAX = 4_000;

/** Gives the conversation back to the bot with a note; the note is required, the bot reads it. */
export function ReturnToBotForm({ handoffId }: { handoffId: string }) {
  const controller = useController();
  const id = useId();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (): boolean => {
    if (note.trim() === '') {
      setError('Write a note for the bot: it is sent back with the conversation.');
      return false;
    }
    controller.returnToBot(handoffId, note.trim());
    return true;
  };

  return (
    <FormShell label="Return to bot" onSubmit={submit}>
      <label className="field">
        <span>Note for the bot (required)</span>
        <textarea
          value={note}
          rows={3}
          maxLength={NOTE_MAX}
          required
          aria-invalid={error !== null}
          aria-describedby={`${id}-error`}
          onChange={(e) => {
            setNote(e.target.value);
            setError(null);
          }}
        />
      </label>
      <FieldError id={`${id}-error`} message={error} />
      <div className="suggestions" role="group" aria-label="Suggested notes">
        {SUGGESTED_NOTES.map((text) => (
          <button
            key={text}
            type="button"
            className="suggestion"
            onClick={() => {
              setNote(text);
              setError(null);
            }}
          >
            {text}
          </button>
        ))}
      </div>
    </FormShell>
  );
}
