import { useState } from 'react';
import { useAgentKnowledge, type UseOutcome } from './agent-knowledge.js';
import type { FeedbackSubject } from './knowledge-feedback.js';
import './passage-actions.css';

type Done = { action: 'copy' | 'insert'; outcome: UseOutcome } | { action: 'copy-failed' };

function describe(done: Done): string {
  if (done.action === 'copy-failed') return 'Copy failed — select the text and copy it yourself';
  const did = done.action === 'copy' ? 'Copied' : 'Inserted into the reply draft';
  const { outcome } = done;
  if (outcome === 'recorded') return `${did} · recorded as used`;
  if (outcome === 'no-conversation') return did;
  return `${did}, but "used" was not recorded: ${outcome.failed}`;
}

/**
 * Copy and Insert for a passage or a suggested reply: the text goes to the clipboard or the reply
 * draft, and the use is recorded as "used" feedback (it teaches the ranker which articles resolve
 * conversations like this one). Nothing on views without the agent's tools.
 */
export function PassageActions({
  text,
  subject,
  label,
  onOpen,
  noun,
}: {
  /** Plain text, as the customer would read it. */
  text: string;
  subject: FeedbackSubject;
  /** What the buttons act on, for screen readers ("passage from Refund policy"). */
  label: string;
  /** Opens the whole article in the drawer beside the call (cards and search results). */
  onOpen?: (() => void) | undefined;
  /** Named on the buttons when the text is not a passage ("Copy reply"). */
  noun?: string | undefined;
}) {
  const tools = useAgentKnowledge();
  const [done, setDone] = useState<Done | null>(null);
  if (!tools) return null;

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      setDone({ action: 'copy-failed' });
      return;
    }
    setDone({ action: 'copy', outcome: await tools!.recordUsed(subject) });
  }
  async function insert() {
    tools!.insert(text);
    setDone({ action: 'insert', outcome: await tools!.recordUsed(subject) });
  }
  const failed = done && (done.action === 'copy-failed' || typeof done.outcome === 'object');
  return (
    <div className="passage-actions" role="group" aria-label={`Use the ${label}`}>
      {onOpen ? (
        <button type="button" className="button small" onClick={onOpen}>
          Open article
        </button>
      ) : null}
      <button type="button" className="button small" onClick={() => void copy()}>
        {noun ? `Copy ${noun}` : 'Copy'}
      </button>
      <button type="button" className="button small" onClick={() => void insert()}>
        {noun ? `Insert ${noun}` : 'Insert'}
      </button>
      {done ? (
        <span className={failed ? 'use-status failed' : 'use-status'} role="status">
          {describe(done)}
        </span>
      ) : null}
    </div>
  );
}
