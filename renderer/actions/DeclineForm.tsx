import { useId, useState } from 'react';
import { useController } from '../ui/console-context.tsx';
import { DECLINE_REASONS } from './choices.ts';
import { FieldError, FormShell } from './FormShell.tsx';

const OTHER = 'other';

/** Declining asks why: the hub records it, and the offer moves on to someone else. */
export function DeclineForm({ handoffId }: { handoffId: string }) {
  const controller = useController();
  const id = useId();
  const [choice, setChoice] = useState<string | null>(null);
  const [other, setOther] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (): boolean => {
    const reason = choice === OTHER ? other.trim() : choice;
    if (!reason) {
      setError(choice === OTHER ? 'Write the reason.' : 'Choose a reason.');
      return false;
    }
    controller.decline(handoffId, reason);
    return true;
  };

  return (
    <FormShell label="Decline offer" onSubmit={submit}>
      <fieldset aria-describedby={`${id}-error`}>
        <legend>Why are you passing on this offer?</legend>
        {[...DECLINE_REASONS, OTHER].map((reason) => (
          <label key={reason} className="choice">
            <input type="radio" name={`${id}-reason`} value={reason} checked={choice === reason} onChange={() => { setChoice(reason); setError(null); }} />
            {reason === OTHER ? 'Another reason' : reason}
          </label>
        ))}
      </fieldset>
      {choice === OTHER && (
        <label className="field">
          <span>Reason</span>
          <input type="text" value={other} maxLength={200} autoFocus aria-invalid={error !== null} aria-describedby={`${id}-error`} onChange={(e) => setOther(e.target.value)} />
        </label>
      )}
      <FieldError id={`${id}-error`} message={error} />
    </FormShell>
  );
}
