import { createContext, useContext, useState } from 'react';
import { ApiError, sendFeedback, type FeedbackInput, type FeedbackVerdict } from '../api.js';

/**
 * Verdicts already given, by suggestionId: the stored feedback events of the conversation (and
 * the agent's clicks whose event has not come back yet). The buttons of a suggestion live only
 * as long as its panel, which unmounts when the agent switches conversation; without this a
 * suggestion marked helpful came back clickable, and a second click stored a second verdict.
 */
export interface FeedbackMemory {
  given: Readonly<Record<string, string>>;
  remember: (suggestionId: string, verdict: FeedbackVerdict) => void;
}

export const FeedbackMemoryContext = createContext<FeedbackMemory | null>(null);

type Outcome =
  | { state: 'idle' }
  | { state: 'sending' }
  | { state: 'sent'; verdict: FeedbackVerdict; local: boolean }
  | { state: 'failed'; message: string };

const LOCAL_FEEDBACK = 'cuecard.pendingFeedback';

/** Kept on this device when the service has no feedback endpoint yet, so nothing is silently dropped. */
function keepLocally(feedback: FeedbackInput): void {
  try {
    const pending = JSON.parse(window.localStorage.getItem(LOCAL_FEEDBACK) ?? '[]') as unknown[];
    pending.push({ ...feedback, at: new Date().toISOString() });
    window.localStorage.setItem(LOCAL_FEEDBACK, JSON.stringify(pending.slice(-200)));
  } catch {
    // Storage full or disabled: the on-screen confirmation still tells the truth about this click.
  }
}

const THANKS: Record<FeedbackVerdict, string> = {
  helpful: 'Marked helpful',
  not_helpful: 'Marked not helpful',
  dismissed: 'Dismissed',
};

export function FeedbackButtons({
  apiKey,
  feedback,
  onDismiss,
}: {
  apiKey: string;
  feedback: Omit<FeedbackInput, 'verdict'>;
  onDismiss?: () => void;
}) {
  const memory = useContext(FeedbackMemoryContext);
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const stored = memory?.given[feedback.suggestionId];

  async function give(verdict: FeedbackVerdict) {
    setOutcome({ state: 'sending' });
    const input: FeedbackInput = { ...feedback, verdict };
    try {
      await sendFeedback(apiKey, input);
      memory?.remember(feedback.suggestionId, verdict);
      setOutcome({ state: 'sent', verdict, local: false });
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
        keepLocally(input);
        memory?.remember(feedback.suggestionId, verdict);
        setOutcome({ state: 'sent', verdict, local: true });
      } else {
        setOutcome({
          state: 'failed',
          message:
            error instanceof Error
              ? `Feedback was not saved: ${error.message}`
              : 'Feedback was not saved; try again.',
        });
        return;
      }
    }
    if (verdict === 'dismissed') onDismiss?.();
  }

  if (outcome.state !== 'sent' && stored && stored in THANKS) {
    return (
      <p className="feedback-done" role="status">
        {THANKS[stored as FeedbackVerdict]}
      </p>
    );
  }
  if (outcome.state === 'sent') {
    return (
      <p className="feedback-done" role="status">
        {THANKS[outcome.verdict]}
        {outcome.local ? ' (kept on this device: the service does not accept feedback yet)' : ''}
      </p>
    );
  }
  const busy = outcome.state === 'sending';
  return (
    <div className="feedback" role="group" aria-label="Feedback on this suggestion">
      <button
        type="button"
        className="button small"
        disabled={busy}
        onClick={() => void give('helpful')}
      >
        Helpful
      </button>
      <button
        type="button"
        className="button small"
        disabled={busy}
        onClick={() => void give('not_helpful')}
      >
        Not helpful
      </button>
      <button
        type="button"
        className="button small ghost"
        disabled={busy}
        onClick={() => void give('dismissed')}
      >
        Dismiss
      </button>
      {outcome.state === 'failed' ? (
        <p className="feedback-error" role="alert">
          {outcome.message}
        </p>
      ) : null}
    </div>
  );
}
