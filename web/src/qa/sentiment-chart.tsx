import type { SentimentPoint } from './qa-api.js';

const WIDTH = 640;
const HEIGHT = 160;
const PAD = { left: 72, right: 12, top: 12, bottom: 24 };

const describe = (score: number) =>
  score > 0.25 ? 'positive' : score < -0.25 ? 'negative' : 'neutral';

/**
 * Sentiment over the conversation, drawn as inline SVG: the customer's mood as a line (the
 * thing a reviewer follows), the agent's turns as points. Scores run from -1 to 1.
 */
export function SentimentChart({
  points,
  lastSeq,
}: {
  points: readonly SentimentPoint[];
  lastSeq: number;
}) {
  if (points.length === 0)
    return <p className="empty">No sentiment was recorded for this conversation.</p>;
  const customer = points.filter((point) => point.speaker === 'customer');
  const agent = points.filter((point) => point.speaker !== 'customer');
  const maxSeq = Math.max(lastSeq, ...points.map((point) => point.seq), 2);
  const x = (seq: number) => PAD.left + ((seq - 1) / (maxSeq - 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (score: number) =>
    PAD.top + ((1 - Math.max(-1, Math.min(1, score))) / 2) * (HEIGHT - PAD.top - PAD.bottom);
  const first = customer[0];
  const last = customer[customer.length - 1];
  const label =
    first && last
      ? `Customer sentiment went from ${describe(first.score)} (${first.score.toFixed(2)}) at turn ${first.seq} to ${describe(last.score)} (${last.score.toFixed(2)}) at turn ${last.seq}.`
      : 'Only the agent has sentiment scores in this conversation.';

  return (
    <figure className="sentiment-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Sentiment timeline. ${label}`}
      >
        {[1, 0, -1].map((level) => (
          <g key={level} className="grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(level)} y2={y(level)} />
            <text x={PAD.left - 8} y={y(level)} dy="0.35em" textAnchor="end">
              {level === 1 ? 'Positive' : level === 0 ? 'Neutral' : 'Negative'}
            </text>
          </g>
        ))}
        <text className="axis" x={WIDTH - PAD.right} y={HEIGHT - 4} textAnchor="end">
          turn {maxSeq}
        </text>
        <text className="axis" x={PAD.left} y={HEIGHT - 4}>
          turn 1
        </text>
        {customer.length > 1 ? (
          <polyline
            className="customer-line"
            points={customer.map((point) => `${x(point.seq)},${y(point.score)}`).join(' ')}
          />
        ) : null}
        {customer.map((point) => (
          <circle
            key={`c${point.seq}`}
            className="customer-point"
            cx={x(point.seq)}
            cy={y(point.score)}
            r={4}
          >
            <title>{`Turn ${point.seq}, customer: ${point.label} (${point.score.toFixed(2)})`}</title>
          </circle>
        ))}
        {agent.map((point) => (
          <rect
            key={`a${point.seq}`}
            className="agent-point"
            x={x(point.seq) - 4}
            y={y(point.score) - 4}
            width={8}
            height={8}
          >
            <title>{`Turn ${point.seq}, agent: ${point.label} (${point.score.toFixed(2)})`}</title>
          </rect>
        ))}
      </svg>
      <figcaption>
        <span className="legend legend-customer">
          <span className="swatch" aria-hidden="true" /> Customer
        </span>
        <span className="legend legend-agent">
          <span className="swatch" aria-hidden="true" /> Agent
        </span>
        <span className="meta">{label}</span>
      </figcaption>
    </figure>
  );
}
