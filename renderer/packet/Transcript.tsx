import type { TranscriptTurn } from '../../shared/protocol/packet.ts';
import { SPEAKER_LABEL } from '../ui/packet-labels.ts';
import { Text } from '../ui/Text.tsx';
import { turnTime } from './time.ts';

/** The whole conversation so far: who said what, when. */
export function Transcript({ turns }: { turns: readonly TranscriptTurn[] }) {
  return (
    <section className="card" aria-labelledby="transcript-title">
      <h3 id="transcript-title">
        Transcript <span className="count">{turns.length}</span>
      </h3>
      {turns.length === 0 ? (
        <p className="empty">The bot sent no transcript.</p>
      ) : (
        <ol className="transcript">
          {turns.map((turn, i) => (
            <li key={i} className={`turn turn-${turn.from}`}>
              <span className="turn-meta">
                <span className="speaker">{SPEAKER_LABEL[turn.from]}</span>
                <time dateTime={turn.at}>{turnTime(turn.at)}</time>
              </span>
              {turn.text === '' ? <span className="empty">(empty message)</span> : <Text as="p">{turn.text}</Text>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
