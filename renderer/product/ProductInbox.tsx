import { useEffect, useState } from 'react';
import type { ProductKind } from '../../shared/protocol/handoff.ts';
import type { AckOf } from '../../shared/protocol/socket.ts';
import { PRODUCT_STATUSES, type ProductItem, type ProductStatus } from '../../shared/protocol/product.ts';
import { useController } from '../ui/console-context.tsx';
import { customerLabel } from '../ui/packet-labels.ts';
import { PacketView } from '../packet/PacketView.tsx';
import { Text } from '../ui/Text.tsx';
import { selectProductItems, setProductFilters, useProducts } from '../state/product.ts';
import { useConnection } from '../state/connection.ts';
import { PRODUCT_KIND_LABEL, PRODUCT_STATUS_LABEL } from '../ui/product-labels.ts';

type Detail = Extract<AckOf<'product:get'>, { ok: true }>;

function ItemRow({ item, open, onOpen }: { item: ProductItem; open: boolean; onOpen: () => void }) {
  const controller = useController();
  const [message, setMessage] = useState<string | null>(null);
  const title = item.title;
  return (
    <li className="product-row" aria-label={title}>
      <div className="lead-row-head">
        <Text className="lead-customer">{title}</Text>
        <span className="tag">{PRODUCT_KIND_LABEL[item.kind]}</span>
        <span className="lead-meta">
          {item.customerCount} {item.customerCount === 1 ? 'customer' : 'customers'} · {item.handoffCount}{' '}
          {item.handoffCount === 1 ? 'conversation' : 'conversations'}
        </span>
      </div>
      <div className="product-row-actions">
        <label className="field">
          <span>Status</span>
          <select
            value={item.status}
            onChange={(e) => {
              setMessage(null);
              void controller.setProductStatus(item.id, e.target.value as ProductStatus).then(setMessage);
            }}
          >
            {PRODUCT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {PRODUCT_STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" aria-expanded={open} onClick={onOpen}>
          {open ? 'Hide conversations' : 'Conversations'}
        </button>
      </div>
      {message && (
        <p role="alert" className="form-error">
          {message}
        </p>
      )}
    </li>
  );
}

function ItemDetail({ detail, onClose }: { detail: Detail; onClose: () => void }) {
  return (
    <section className="product-detail" aria-label={`Conversations for ${detail.item.title}`}>
      <div className="lead-row-head">
        <h2 className="inbox-title">
          <Text>{detail.item.title}</Text>
        </h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <Text as="p" className="lead-summary">
        {detail.item.details}
      </Text>
      <ul className="rows">
        {detail.links.map((link) => (
          <li key={link.handoff.id} className="product-link">
            <details>
              <summary>
                <Text>{customerLabel(link.handoff.packet)}</Text> · routed by <Text>{link.routedBy.name}</Text>
              </summary>
              <PacketView packet={link.handoff.packet} />
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The lead's product inbox: the team's items with their counts, filtered, and their conversations. */
export function ProductInbox() {
  const controller = useController();
  const connected = useConnection((s) => s.status === 'connected');
  const items = useProducts(selectProductItems);
  const filters = useProducts((s) => s.filters);
  const [error, setError] = useState<string | null>(null);
  const [detail, setDetail] = useState<Detail | null>(null);

  useEffect(() => {
    if (connected) void controller.loadProducts().then(setError);
  }, [connected, controller]);

  const open = async (id: string) => {
    if (detail?.item.id === id) return setDetail(null);
    const got = await controller.getProduct(id);
    if (got.ok) setDetail(got);
    else setError(got.error.message);
  };

  return (
    <main className="product-inbox">
      <div className="lead-main">
        <div className="lead-filters" role="group" aria-label="Product filters">
          <label className="field">
            <span>Kind</span>
            <select value={filters.kind ?? ''} onChange={(e) => setProductFilters({ kind: (e.target.value || null) as ProductKind | null })}>
              <option value="">Any kind</option>
              {(Object.keys(PRODUCT_KIND_LABEL) as ProductKind[]).map((k) => (
                <option key={k} value={k}>
                  {PRODUCT_KIND_LABEL[k]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Status filter</span>
            <select value={filters.status ?? ''} onChange={(e) => setProductFilters({ status: (e.target.value || null) as ProductStatus | null })}>
              <option value="">Any status</option>
              {PRODUCT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {PRODUCT_STATUS_LABEL[s]}
                </option>
              ))}
            </select>
          </label>
        </div>
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        {items.length === 0 ? (
          <p className="empty">No product items.</p>
        ) : (
          <ul className="rows" aria-label="Product items">
            {items.map((item) => (
              <ItemRow key={item.id} item={item} open={detail?.item.id === item.id} onOpen={() => void open(item.id)} />
            ))}
          </ul>
        )}
      </div>
      {detail && <ItemDetail detail={detail} onClose={() => setDetail(null)} />}
    </main>
  );
}
