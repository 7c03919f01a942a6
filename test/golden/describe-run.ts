import type { GoldenConversation } from './golden-conversation.js';
import type { GoldenRun } from './play-golden.js';

/**
 * A readable account of one golden run (turns, what the console showed after each, the
 * wrap-up), written when CUECARD_GOLDEN_DUMP names a folder: what a reviewer reads to judge a
 * change, and what a failing expectation is diagnosed from.
 */
export function describeRun(golden: GoldenConversation, run: GoldenRun): string {
  const lines: string[] = [`# ${golden.id}: ${golden.title}`, ''];
  for (const [index, turn] of golden.turns.entries()) {
    const seq = index + 1;
    lines.push(
      'text' in turn ? `${seq} ${turn.speaker}: ${turn.text}` : `${seq} [action ${turn.action}]`,
    );
    for (const event of run.events) {
      if (!('seq' in event) || event.seq !== seq) continue;
      if (event.type === 'suggestion') {
        const s = event.suggestion;
        const what =
          s.kind === 'article'
            ? `${s.articleId} (${s.score}) ${s.reason}`
            : s.kind === 'reply' || s.kind === 'answer'
              ? `"${s.text}" cites [${s.citations.map((c) => c.articleId).join(', ')}]`
              : s.kind === 'next-step'
                ? `${s.title}`
                : s.summary;
        lines.push(`    + ${s.kind}: ${what}`);
      } else if (event.type === 'alert') {
        lines.push(`    ! ${event.alert.kind}: ${event.alert.title} — ${event.alert.reason}`);
      } else if (event.type === 'analysis') {
        if ('unsupported_language' in event.result) {
          lines.push(
            `    ~ ${event.analyzer} not run: ${event.result.unsupported_language.language}`,
          );
        } else if (event.analyzer === 'intent') {
          lines.push(
            `    ~ intent ${event.result.intent} ${event.result.confidence} / conversation ${event.result.conversation?.intent}`,
          );
        } else if (event.analyzer === 'sentiment') {
          lines.push(
            `    ~ sentiment ${event.result.label} ${event.result.score} trend ${event.result.customerTrend?.direction}`,
          );
        } else if (event.analyzer === 'article-cards') {
          lines.push(`    ~ cards top ${event.result.topArticleId} ${event.result.topConfidence}`);
        }
      } else if (event.type === 'error') {
        lines.push(`    x ${event.code} ${event.analyzer}: ${event.message}`);
      }
    }
    const view = run.views[index];
    if (view)
      lines.push(
        `    = console: next step ${view.nextStep?.title ?? '-'} | playbook ${view.playbook?.title ?? '-'} ${view.playbook?.steps.map((s) => `${s.id}:${s.status}`).join(' ') ?? ''} | replies ${view.replies.length} | intent ${view.intent}`,
      );
  }
  const { summary, disposition, churn, qa } = run.final.wrapup;
  lines.push('', '## wrap-up');
  lines.push(`reason: ${summary?.reason}`);
  lines.push(`summary (${summary?.outcome}): ${summary?.narrative}`);
  lines.push(`actions: ${summary?.actions.join('; ')}`);
  lines.push(
    `code: ${disposition?.suggested} ${disposition?.confidence} alt ${disposition?.alternatives.map((a) => a.code).join(',')}`,
  );
  lines.push(
    `follow-ups: ${run.final.wrapup['follow-ups']?.tasks.map((t) => `${t.kind} ${t.dueAt}: ${t.draftMessage}`).join(' | ')}`,
  );
  lines.push(`churn: ${churn?.risk} ${churn?.reasons.map((r) => r.detail).join('; ')}`);
  lines.push(
    `qa: ${qa?.overall} ${qa?.criteria.map((c) => `${c.criterionId}=${c.score}`).join(' ')}`,
  );
  lines.push(`alerts: ${run.final.alerts.map((a) => `${a.kind}:${a.title}`).join('; ')}`);
  return lines.join('\n') + '\n';
}
