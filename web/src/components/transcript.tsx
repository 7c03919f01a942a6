import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { TranscriptLine } from '../live/conversation-state.js';
import { humanize } from '../format.js';

const SPEAKERS: Record<string, string> = { customer: 'Customer', agent: 'Agent', bot: 'Bot' };

/** Within this many pixels of the bottom the reader counts as following the newest line. */
const AT_BOTTOM_PX = 32;

/**
 * Keeps the list scrolled to its newest line while the reader is at the bottom; once they scroll
 * up to read, new lines leave them where they are (and `behind` says there is more below). Only
 * the list scrolls: scrollIntoView would scroll the page and the other columns with it.
 */
function useFollowNewest(follow: boolean, count: number, lastText: string | undefined) {
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  const [behind, setBehind] = useState(false);
  // Every render while pinned: a line grows after it arrived (its sentiment chip), not only
  // when a line is added.
  useLayoutEffect(() => {
    const element = list.current;
    if (element && follow && pinned.current) element.scrollTop = element.scrollHeight;
  });
  useLayoutEffect(() => {
    if (follow && !pinned.current) setBehind(true);
  }, [follow, count, lastText]);
  useEffect(() => {
    if (count === 0) pinned.current = true;
  }, [count]);
  const onScroll = () => {
    const element = list.current;
    if (!element) return;
    pinned.current =
      element.scrollHeight - element.scrollTop - element.clientHeight <= AT_BOTTOM_PX;
    if (pinned.current) setBehind(false);
  };
  const jump = () => {
    const element = list.current;
    if (!element) return;
    pinned.current = true;
    element.scrollTop = element.scrollHeight;
    setBehind(false);
  };
  return { list, onScroll, behind, jump };
}

/** The live transcript: finals with their sentiment colour, interims greyed until replaced. */
export function Transcript({
  lines,
  follow = true,
}: {
  lines: TranscriptLine[];
  follow?: boolean;
}) {
  const { list, onScroll, behind, jump } = useFollowNewest(
    follow,
    lines.length,
    lines[lines.length - 1]?.text,
  );

  if (lines.length === 0) return <p className="empty">Nothing has been said yet.</p>;
  return (
    <div className="transcript-frame">
      <ol
        className="transcript"
        aria-label="Transcript"
        ref={list}
        onScroll={onScroll}
        // Scrollable regions must be reachable by keyboard (and axe checks it).
        tabIndex={0}
      >
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
      </ol>
      {behind ? (
        <button type="button" className="button small jump-newest" onClick={jump}>
          Newest line ↓
        </button>
      ) : null}
    </div>
  );
}
