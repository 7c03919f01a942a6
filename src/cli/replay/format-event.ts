import type { CuecardEvent } from '../../conversations/events.js';

// East Asian wide characters (Han, kana, Hangul, full-width forms) take two terminal columns.
const wide =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

/** Cuts text to `max` terminal columns, so a Chinese line is as wide as an English one. */
export function clip(text: unknown, max = 110): string {
  const characters = Array.from(String(text ?? ''));
  let columns = 0;
  for (const [index, character] of characters.entries()) {
    columns += wide.test(character) ? 2 : 1;
    if (columns > max - 1 && index < characters.length - 1)
      return `${characters.slice(0, index).join('')}…`;
  }
  return characters.join('');
}

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
    case 'help-requested':
      return `  ✋ agent ${event.by.name} asked for help`;
    case 'help-taken':
      return `  ✋ ${event.by.name} took the help request`;
    case 'help-resolved':
      return `  ✋ help request resolved by ${event.by.name}`;
    case 'supervisor-note':
      // A private note to the agent: its text stays out of shared terminal output.
      return `  ✋ private note from ${event.by.name}`;
    case 'playbook-step':
      return `      ✓ agent marked step ${event.mark.stepId} ${event.mark.outcome}`;
    case 'error':
      return `      ✗ ${event.code}${event.analyzer ? ` in ${event.analyzer}` : ''}: ${event.message}`;
  }
}
