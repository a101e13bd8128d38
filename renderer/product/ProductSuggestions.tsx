import { useEffect, useState } from 'react';
import type { ProductKind } from '../../shared/protocol/handoff.ts';
import type { ProductSuggestion } from '../../shared/protocol/product.ts';
import { useController } from '../ui/console-context.tsx';
import { Text } from '../ui/Text.tsx';
import { PRODUCT_STATUS_LABEL } from '../ui/product-labels.ts';

export const SUGGEST_DELAY_MS = 300;

/** Similar items of the team while the agent types; picking one adds this customer to it. */
export function ProductSuggestions({
  kind,
  title,
  details,
  pickedId,
  onPick,
}: {
  kind: ProductKind;
  title: string;
  details: string;
  pickedId: string | null;
  onPick: (suggestion: ProductSuggestion | null) => void;
}) {
  const controller = useController();
  const [suggestions, setSuggestions] = useState<ProductSuggestion[]>([]);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      if (title.trim() === '') return setSuggestions([]);
      void controller.suggestProducts({ kind, title: title.trim(), ...(details.trim() && { details }) }).then((found) => {
        if (current) setSuggestions(found);
      });
    }, SUGGEST_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [controller, kind, title, details]);

  if (suggestions.length === 0) return null;
  return (
    <section className="product-suggestions" aria-label="Similar items">
      <h3 className="inbox-title">Similar items</h3>
      <ul className="rows">
        {suggestions.map(({ item }) => {
          const picked = item.id === pickedId;
          return (
            <li key={item.id} className={`product-suggestion${picked ? ' picked' : ''}`}>
              <Text className="lead-customer">{item.title}</Text>
              <span className="lead-meta">
                {PRODUCT_STATUS_LABEL[item.status]} · {item.customerCount} {item.customerCount === 1 ? 'customer' : 'customers'}
              </span>
              <button type="button" aria-pressed={picked} onClick={() => onPick(picked ? null : { item, score: 0 })}>
                {picked ? 'Added — undo' : `Add this customer to “${item.title}”`}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
