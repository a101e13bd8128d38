import { useController } from '../ui/console-context.tsx';
import { NoticeBanner } from '../notifications/NoticeBanner.tsx';
import { Text } from '../ui/Text.tsx';
import { dismissProductNotice, useProductNotices } from '../state/product-notices.ts';
import { productStatusLine } from '../ui/product-labels.ts';

/**
 * "Bug report 'Export fails on Safari' is now In progress", with the note that came with the
 * change, for each item this agent routed that changed status: closing the loop with the agent.
 */
export function ProductStatusBanners() {
  const notices = Object.entries(useProductNotices());
  const controller = useController();
  if (notices.length === 0) return null;
  return (
    <div className="reassigned-banners">
      {notices.map(([itemId, { item, change, handoffId }]) => (
        <NoticeBanner
          key={itemId}
          label={`Product update: ${item.title}`}
          note={change.note}
          onOpen={handoffId ? () => void controller.openHandoff(handoffId) : undefined}
          onDismiss={() => dismissProductNotice(itemId)}
        >
          <strong>
            <Text>{productStatusLine(item, change.to)}</Text>
          </strong>
          {' · '}
          changed by <Text>{change.by.name}</Text>
        </NoticeBanner>
      ))}
    </div>
  );
}
