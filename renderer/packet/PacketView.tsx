import type { ContextPacket } from '../../shared/protocol/packet.ts';
import { ConversationLink } from './ConversationLink.tsx';
import { CustomerCard } from './CustomerCard.tsx';
import { REASON_LABEL, percent, sentimentLabel } from '../ui/packet-labels.ts';
import { Text } from '../ui/Text.tsx';
import { Transcript } from './Transcript.tsx';

function Gauge({ label, value, high }: { label: string; value: number; high?: boolean }) {
  return (
    <span className="gauge">
      <span>{label}</span>
      <meter min={0} max={1} low={0.4} high={0.7} optimum={high ? 1 : 0} value={value} aria-label={label} />
      <span className="gauge-value">{percent(value)}</span>
    </span>
  );
}

/** Everything the bot handed over, so the customer never repeats themselves. */
export function PacketView({ packet }: { packet: ContextPacket }) {
  const { trigger, intent, sentiment } = packet;
  return (
    <div className="packet">
      <section className="card" aria-labelledby="summary-title">
        <h3 id="summary-title">Summary</h3>
        <Text as="p" className="summary">
          {packet.summary}
        </Text>
        {packet.coreIssue !== undefined && (
          <>
            <h4>Core issue</h4>
            <Text as="p">{packet.coreIssue}</Text>
          </>
        )}
        <ConversationLink source={packet.source} />
      </section>

      <section className="card" aria-labelledby="trigger-title">
        <h3 id="trigger-title">Why the bot handed off</h3>
        <p className="trigger-reason">{REASON_LABEL[trigger.reason]}</p>
        {trigger.detail !== undefined && <Text as="p">{trigger.detail}</Text>}
      </section>

      {(intent || sentiment) && (
        <section className="card signals" aria-labelledby="signals-title">
          <h3 id="signals-title">Intent and sentiment</h3>
          {intent && (
            <p className="signal">
              <span className="signal-label">Intent</span> <Text className="code">{intent.name}</Text>
              {intent.confidence !== undefined && <Gauge label="Confidence" value={intent.confidence} high />}
            </p>
          )}
          {sentiment?.score !== undefined && (
            <p className="signal">
              <span className="signal-label">Sentiment</span> {sentimentLabel(sentiment.score)} ({sentiment.score.toFixed(2)})
            </p>
          )}
          {sentiment?.frustration !== undefined && (
            <p className="signal">
              <Gauge label="Frustration" value={sentiment.frustration} />
            </p>
          )}
        </section>
      )}

      <CustomerCard customer={packet.customer} language={packet.language} />

      <Transcript turns={packet.transcript ?? []} />

      <section className="card" aria-labelledby="attempts-title">
        <h3 id="attempts-title">What the bot tried</h3>
        {(packet.botAttempts ?? []).length === 0 ? (
          <p className="empty">The bot listed nothing it tried.</p>
        ) : (
          <ol className="attempts">
            {packet.botAttempts!.map((attempt, i) => (
              <li key={i}>
                <Text className="code">{attempt.step}</Text>
                {attempt.outcome !== undefined && (
                  <>
                    {' — '}
                    <Text>{attempt.outcome}</Text>
                  </>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>

      {(packet.skills?.length || packet.metadata) && (
        <section className="card" aria-labelledby="details-title">
          <h3 id="details-title">Details</h3>
          <dl className="facts">
            {packet.skills && packet.skills.length > 0 && (
              <div>
                <dt>Skills</dt>
                <dd>
                  <Text>{packet.skills.join(', ')}</Text>
                </dd>
              </div>
            )}
            {Object.entries(packet.metadata ?? {}).map(([key, value]) => (
              <div key={key}>
                <dt>
                  <Text>{key}</Text>
                </dt>
                <dd>
                  <Text>{String(value)}</Text>
                </dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </div>
  );
}
