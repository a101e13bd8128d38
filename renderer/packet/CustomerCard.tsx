import type { Customer } from '../../shared/protocol/packet.ts';
import { Text } from '../ui/Text.tsx';

function authLabel(authenticated: boolean | undefined): string {
  if (authenticated === true) return 'Signed in (identity verified by the bot)';
  if (authenticated === false) return 'Not signed in (identity not verified)';
  return 'Unknown whether signed in';
}

export function CustomerCard({ customer, language }: { customer: Customer | undefined; language: string | undefined }) {
  const c = customer ?? {};
  const rows: Array<[string, string | undefined]> = [
    ['Name', c.name],
    ['Email', c.email],
    ['Customer ID', c.id],
    ['Tier', c.tier],
    ['Locale', c.locale],
    ['Language', language],
  ];
  return (
    <section className="card customer" aria-labelledby="customer-title">
      <h3 id="customer-title">Customer</h3>
      <p className={`auth auth-${c.authenticated === true ? 'yes' : c.authenticated === false ? 'no' : 'unknown'}`}>{authLabel(c.authenticated)}</p>
      <dl className="facts">
        {rows
          .filter((row): row is [string, string] => row[1] !== undefined)
          .map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>
                <Text>{value}</Text>
              </dd>
            </div>
          ))}
      </dl>
    </section>
  );
}
