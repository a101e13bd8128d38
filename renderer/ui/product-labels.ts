import type { ProductKind } from '../../shared/protocol/handoff.ts';
import type { ProductItem, ProductStatus } from '../../shared/protocol/product.ts';

export const PRODUCT_KIND_LABEL: Record<ProductKind, string> = { feature_request: 'Feature request', bug_report: 'Bug report' };

export const PRODUCT_STATUS_LABEL: Record<ProductStatus, string> = {
  new: 'New',
  planned: 'Planned',
  in_progress: 'In progress',
  done: 'Done',
  wont_do: 'Won’t do',
};

/** "Bug report 'Export fails on Safari' is now In progress": a status change in plain words. */
export function productStatusLine(item: Pick<ProductItem, 'kind' | 'title'>, status: ProductStatus): string {
  return `${PRODUCT_KIND_LABEL[item.kind]} '${item.title}' is now ${PRODUCT_STATUS_LABEL[status]}`;
}
