import type { ContextPacket } from '../../shared/protocol/packet.ts';
import { useController } from '../ui/console-context.tsx';
import { safeWebUrl } from '../../shared/domain/links.ts';
import { platformLabel } from '../ui/packet-labels.ts';
import { Text } from '../ui/Text.tsx';

/** Opens the conversation in the tool the agent already uses, through the Platform; web links only. */
export function ConversationLink({ source }: { source: ContextPacket['source'] }) {
  const controller = useController();
  if (!source) return null;
  const url = safeWebUrl(source.conversationUrl);
  return (
    <p className="source">
      {url ? (
        <a
          href={url}
          target="_blank"
          rel="noopener noreferrer"
          onClick={(event) => {
            event.preventDefault();
            controller.openLink(url);
          }}
        >
          Open the conversation in <Text>{platformLabel(source.platform)}</Text>
        </a>
      ) : (
        <>
          From <Text>{platformLabel(source.platform)}</Text>
          {source.conversationUrl !== undefined && (
            <>
              {' '}
              (link not shown: not a web address: <Text>{source.conversationUrl}</Text>)
            </>
          )}
        </>
      )}
      {source.conversationId !== undefined && (
        <>
          {' '}
          <span className="muted">
            · conversation <Text>{source.conversationId}</Text>
          </span>
        </>
      )}
    </p>
  );
}
