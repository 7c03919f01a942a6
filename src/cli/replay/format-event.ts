/** One readable line per event, for the demo's terminal output. */
export function formatEvent(event: Record<string, unknown> & { type: string }): string | null {
  const e = event as Record<string, any>;
  const clip = (text: unknown, max = 110) => {
    const value = String(text ?? '');
    return value.length > max ? `${value.slice(0, max - 1)}…` : value;
  };
  switch (e.type) {
    case 'conversation-start':
      return `▶ conversation started  channel=${e.conversation.channel} customer=${e.conversation.customerId ?? '-'}`;
    case 'conversation-end':
      return '■ conversation ended';
    case 'utterance-interim':
      return `  … ${e.speaker.padEnd(8)} ${clip(e.text, 70)}`;
    case 'item-final':
      return e.item.kind === 'utterance'
        ? `${String(e.item.seq).padStart(3)} ${e.item.speaker.padEnd(8)} "${clip(e.item.text)}"`
        : `${String(e.item.seq).padStart(3)} action   ${e.item.action} ${JSON.stringify(e.item.data)}`;
    case 'analysis':
      return `      ↳ ${e.analyzer}: ${clip(JSON.stringify(e.result), 120)}`;
    case 'suggestion': {
      const s = e.suggestion;
      const what = s.kind === 'article' ? `${s.title}` : s.kind === 'reply' ? `"${clip(s.text, 90)}"` : s.kind === 'next-step' ? s.title : clip(s.summary, 80);
      return `      ★ ${s.kind}: ${what}  (${clip(s.reason, 70)})`;
    }
    case 'reply-start':
    case 'reply-delta':
      return null;
    case 'reply-end':
      return `      ★ reply (llm): "${clip(e.suggestion.text, 90)}"`;
    case 'alert':
      return `      ⚠ ${e.alert.kind} alert (${e.alert.severity}): ${e.alert.title} — ${clip(e.alert.reason, 70)}`;
    case 'wrapup':
      return `  ✎ wrap-up ${e.step}: ${clip(JSON.stringify(e.result), 140)}`;
    case 'error':
      return `      ✗ ${e.code}${e.analyzer ? ` in ${e.analyzer}` : ''}: ${e.message}`;
    default:
      return `      ${e.type}`;
  }
}
