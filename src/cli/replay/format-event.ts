import type { CuecardEvent } from '../../conversations/events.js';

const clip = (text: unknown, max = 110) => {
  const value = String(text ?? '');
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
};

/** One readable line per event, for the demo's terminal output (null: not worth a line). */
export function formatEvent(event: CuecardEvent): string | null {
  switch (event.type) {
    case 'conversation-start':
      return `▶ conversation started  channel=${event.conversation.channel} customer=${event.conversation.customerId ?? '-'}`;
    case 'conversation-end':
      return '■ conversation ended';
    case 'utterance-interim':
      return `  … ${event.speaker.padEnd(8)} ${clip(event.text, 70)}`;
    case 'item-final': {
      const item = event.item;
      return item.kind === 'utterance'
        ? `${String(item.seq).padStart(3)} ${item.speaker.padEnd(8)} "${clip(item.text)}"`
        : `${String(item.seq).padStart(3)} action   ${item.action} ${JSON.stringify(item.data)}`;
    }
    case 'analysis':
      return `      ↳ ${event.analyzer}: ${clip(JSON.stringify(event.result), 120)}`;
    case 'suggestion': {
      const s = event.suggestion;
      const what =
        s.kind === 'article'
          ? s.title
          : s.kind === 'reply' || s.kind === 'answer'
            ? `"${clip(s.text, 90)}"`
            : s.kind === 'next-step'
              ? s.title
              : clip(s.summary, 80);
      return `      ★ ${s.kind}: ${what}  (${clip(s.reason, 70)})`;
    }
    case 'reply-start':
    case 'reply-delta':
      return null;
    case 'reply-end':
      return event.suggestion.kind === 'reply' || event.suggestion.kind === 'answer'
        ? `      ★ ${event.suggestion.kind} (${event.suggestion.source}): "${clip(event.suggestion.text, 90)}"`
        : null;
    case 'alert':
      return `      ⚠ ${event.alert.kind} alert (${event.alert.severity}): ${event.alert.title} — ${clip(event.alert.reason, 70)}`;
    case 'wrapup':
      return `  ✎ wrap-up ${event.step}: ${clip(JSON.stringify(event.result), 140)}`;
    case 'wrapup-complete':
      return `  ✔ wrap-up complete (${event.steps.join(', ')})`;
    case 'feedback':
      return `      ✓ agent marked ${event.feedback.kind} ${event.feedback.verdict}`;
    case 'error':
      return `      ✗ ${event.code}${event.analyzer ? ` in ${event.analyzer}` : ''}: ${event.message}`;
  }
}
