import { describe, expect, it } from 'vitest';
import type { ConversationItem } from '../../conversations/types.js';
import { buildConversation, buildTranscript } from '../test-transcript.js';
import { mandarinBillingCall } from '../mandarin-test-calls.js';
import { describeActionItemInChinese } from './describe-action-item-chinese.js';
import { createSummaryFinalizer } from './summary-finalizer.js';

/** The transcript with data on its action items, as a connector sends them. */
function withData(
  transcript: ConversationItem[],
  data: Record<string, Record<string, unknown>>,
): ConversationItem[] {
  return transcript.map((item) =>
    item.kind === 'action' && data[item.action] ? { ...item, data: data[item.action]! } : item,
  );
}

async function summaryOf(transcript: ConversationItem[]) {
  const output = await createSummaryFinalizer({
    now: () => new Date('2026-12-09T06:00:00Z'),
  }).finalize({
    tenantId: 't1',
    conversation: buildConversation({ language: 'zh' }),
    transcript,
    previous: {},
    analyses: {},
    signal: new AbortController().signal,
  });
  return output!.result!;
}

describe('the action lines of a Chinese note', () => {
  it('writes every line of the note in Chinese, the connector actions included', async () => {
    const summary = await summaryOf(
      withData(mandarinBillingCall, {
        'verify-identity': { method: 'phone' },
        'issue-refund': { amount: 24.99, currency: 'CNY' },
      }),
    );
    const lines = [summary.reason ?? '', summary.narrative, ...summary.actions];
    for (const line of lines) expect(line, line).not.toMatch(/[A-Za-z]/);
    expect(summary.actions).toContain('核实身份（方式：电话）');
    expect(summary.actions).toContain('办理退款：¥24.99');
  });

  it('writes an outage check with its data, and frames an action it cannot translate in Chinese', async () => {
    const outage = buildTranscript([
      ['customer', '我家从昨天晚上开始断网了。'],
      { action: 'check-incidents' },
      ['agent', '您所在区域有已知故障，预计今天下午六点前恢复。'],
      { action: 'frobnicate-modem' },
    ]);
    const summary = await summaryOf(
      withData(outage, { 'check-incidents': { area: '200031' }, 'frobnicate-modem': { tries: 2 } }),
    );
    expect(summary.actions).toEqual(['查询故障（区域：200031）', '系统操作：frobnicate-modem']);
  });

  it('reads action names however the connector writes them', () => {
    expect(describeActionItemInChinese('sendResetLink', {})).toBe('发送重置链接');
    expect(describeActionItemInChinese('apply_credit', { amount: 10, currency: 'USD' })).toBe(
      '添加补偿：US$10.00',
    );
    expect(describeActionItemInChinese('pull-up-account', { verified: true })).toBe(
      '调出账户（已核实：是）',
    );
    expect(describeActionItemInChinese('apply-discount', { months: 3 })).toBe('添加折扣：3个月');
  });
});
