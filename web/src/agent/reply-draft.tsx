import { useState } from 'react';
import { useAgentKnowledge } from './agent-knowledge.js';
import './reply-draft.css';

/**
 * The agent's reply in the making: passages and suggested replies are inserted here, edited, then
 * copied into the chat or read out. One draft per conversation.
 */
export function ReplyDraft() {
  const tools = useAgentKnowledge();
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  if (!tools) return null;
  const { draft, setDraft } = tools;

  async function copyDraft() {
    try {
      await navigator.clipboard.writeText(draft);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  }
  return (
    // Not a named region: its heading is the field's label, and one name should find one thing.
    <section className="panel reply-draft">
      <h2>
        <label htmlFor="reply-draft-text">Reply draft</label>
      </h2>
      <textarea
        id="reply-draft-text"
        rows={5}
        value={draft}
        placeholder="Insert a passage or a suggested reply, or type your own."
        onChange={(event) => {
          setDraft(event.target.value);
          setCopy('idle');
        }}
      />
      <div className="actions">
        <button
          type="button"
          className="button small primary"
          disabled={draft.trim() === ''}
          onClick={() => void copyDraft()}
        >
          Copy draft
        </button>
        <button
          type="button"
          className="button small ghost"
          disabled={draft === ''}
          onClick={() => {
            setDraft('');
            setCopy('idle');
          }}
        >
          Clear
        </button>
        {copy !== 'idle' ? (
          <span className={copy === 'failed' ? 'use-status failed' : 'use-status'} role="status">
            {copy === 'copied' ? 'Copied' : 'Copy failed — select the text and copy it yourself'}
          </span>
        ) : null}
      </div>
    </section>
  );
}
