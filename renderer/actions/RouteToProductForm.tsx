import { useId, useMemo, useState } from 'react';
import type { ProductKind } from '../../shared/protocol/handoff.ts';
import type { ContextPacket } from '../../shared/protocol/packet.ts';
import { SEVERITIES } from '../../shared/protocol/socket.ts';
import { useController } from '../ui/console-context.tsx';
import { ProductSuggestions } from '../product/ProductSuggestions.tsx';
import { FieldError, FormShell } from './FormShell.tsx';
import { PRODUCT_KIND_LABEL } from '../ui/product-labels.ts';
import { Text } from '../ui/Text.tsx';
import { routeDraft, type Severity } from './route-draft.ts';

const SEVERITY_LABEL: Record<Severity, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

/** Sends the handoff to the product team as a feature request or bug report, prefilled from the packet. */
export function RouteToProductForm({ handoffId, packet }: { handoffId: string; packet: ContextPacket }) {
  const controller = useController();
  const id = useId();
  const draft = useMemo(() => routeDraft(packet), [packet]);
  const [kind, setKind] = useState<ProductKind>(draft.kind);
  const [title, setTitle] = useState(draft.title);
  const [details, setDetails] = useState(draft.details);
  const [severity, setSeverity] = useState<Severity>(draft.severity);
  const [error, setError] = useState<string | null>(null);
  // An existing item picked from the suggestions: this customer is added to it instead of filing a new one.
  const [picked, setPicked] = useState<{ id: string; title: string } | null>(null);

  const submit = (): boolean => {
    if (title.trim() === '') {
      setError('Give it a title.');
      return false;
    }
    controller.routeToProduct(handoffId, {
      kind,
      title: title.trim(),
      details,
      ...(kind === 'bug_report' && { severity }),
      ...(picked && { productItemId: picked.id }),
    });
    return true;
  };

  return (
    <FormShell label="Route to product" onSubmit={submit}>
      <fieldset>
        <legend>Kind</legend>
        {(Object.keys(PRODUCT_KIND_LABEL) as ProductKind[]).map((k) => (
          <label key={k} className="choice">
            <input type="radio" name={`${id}-kind`} value={k} checked={kind === k} onChange={() => {
                setKind(k);
                setPicked(null);
              }}
            />
            {PRODUCT_KIND_LABEL[k]}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>Title</span>
        <input
          type="text"
          value={title}
          maxLength={200}
          dir="auto"
          aria-invalid={error !== null}
          aria-describedby={`${id}-error`}
          onChange={(e) => {
            setTitle(e.target.value);
            setError(null);
          }}
        />
      </label>
      <FieldError id={`${id}-error`} message={error} />
      <ProductSuggestions
        kind={kind}
        title={title}
        details={details}
        pickedId={picked?.id ?? null}
        onPick={(s) => setPicked(s ? { id: s.item.id, title: s.item.title } : null)}
      />
      {picked && (
        <p className="lead-meta" role="status">
          This customer will be added to “<Text>{picked.title}</Text>”.
        </p>
      )}
      <label className="field">
        <span>Details</span>
        <textarea value={details} rows={8} maxLength={20_000} dir="auto" onChange={(e) => setDetails(e.target.value)} />
      </label>
      {kind === 'bug_report' && (
        <label className="field">
          <span>Severity</span>
          <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
      )}
    </FormShell>
  );
}
