import { useEffect, useRef } from 'react';
import type { TranscriptLine } from '../live/conversation-state.js';
import { humanize } from '../format.js';

const SPEAKERS: Record<string, string> = { customer: 'Customer', agent: 'Agent', bot: 'Bot' };

/** The live transcript: finals with their sentiment colour, interims greyed until replaced. */
export function Transcript({
  lines,
  follow = true,
}: {
  lines: TranscriptLine[];
  follow?: boolean;
}) {
  const end = useRef<HTMLLIElement>(null);
  const count = lines.length;
  const lastText = lines[lines.length - 1]?.text;
  useEffect(() => {
    if (follow) end.current?.scrollIntoView({ block: 'nearest' });
  }, [follow, count, lastText]);

  if (lines.length === 0) return <p className="empty">Nothing has been said yet.</p>;
  return (
    <ol className="transcript" aria-label="Transcript">
      {lines.map((line) =>
        line.kind === 'action' ? (
          <li key={line.key} className="line line-action">
            <span className="action-label">Agent action</span> {humanize(line.text)}
          </li>
        ) : (
          <li
            key={line.key}
            className={`line line-${line.speaker ?? 'unknown'}${line.kind === 'interim' ? ' interim' : ''}${
              line.sentiment ? ` sentiment-${line.sentiment.label}` : ''
            }`}
            data-seq={line.seq}
            data-sentiment={line.sentiment?.label}
            aria-busy={line.kind === 'interim' || undefined}
          >
            <span className="speaker">{SPEAKERS[line.speaker ?? ''] ?? line.speaker}</span>
            <span className="text">{line.text}</span>
            {line.kind === 'interim' ? (
              <span className="sentiment-chip pending">speaking…</span>
            ) : line.sentiment ? (
              <span
                className={`sentiment-chip chip-${line.sentiment.label}`}
                title={
                  line.sentiment.score !== null
                    ? `score ${line.sentiment.score.toFixed(2)}`
                    : undefined
                }
              >
                {line.sentiment.label}
              </span>
            ) : null}
          </li>
        ),
      )}
      <li ref={end} className="transcript-end" aria-hidden="true" />
    </ol>
  );
}
