import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Suggestion } from '../../conversations/events.js';
import { runAnalyzer, type Turn } from '../testing/transcript-fixture.js';
import { createPlaybookAnalyzer, type PlaybookResult } from './playbook-analyzer.js';
import { loadPlaybooks } from './playbook.js';

/** Playbook steps on Mandarin calls (issue 18): done from what the agent says, next step in Chinese. */
const playbooks = await loadPlaybooks(join(import.meta.dirname, '../../../knowledge/playbooks'));

async function follow(turns: Turn[]) {
  const runs = await runAnalyzer(createPlaybookAnalyzer({ playbooks }), turns);
  const suggestions = runs.flatMap((run) =>
    (run.output?.events ?? []).flatMap((event) =>
      event.type === 'suggestion' && event.suggestion.kind === 'next-step'
        ? [event.suggestion as Extract<Suggestion, { kind: 'next-step' }>]
        : [],
    ),
  );
  const last = runs.findLast((run) => run.output)?.output?.result as PlaybookResult | undefined;
  return { suggestions, last };
}

const han = /\p{Script=Han}/u;
const latinWord = /[A-Za-z]{3,}/;

describe('playbooks on Mandarin calls', () => {
  it('marks the billing-dispute steps done from Chinese agent turns, with no button pressed', async () => {
    const { suggestions, last } = await follow([
      { customer: '你好，我这个月的话费被多扣了一笔，同样的钱扣了两次。' },
      {
        agent:
          '非常抱歉给您添麻烦了。为了保障账户安全，需要先核实一下您的身份，请报一下机主姓名和身份证后四位。',
      },
      { customer: '张伟，后四位1234。' },
      { agent: '好的，验证通过了。请问是哪一天扣的，金额是多少？' },
      { customer: '3号，两笔都是59元。' },
      {
        agent:
          '我查到了，3号确实有两笔59元的扣款，第二笔是系统重复扣费，多扣的59元我这边给您退回去。',
      },
      { agent: '款项会在3到5个工作日内原路退回。请问还有其他需要帮忙的吗？' },
    ]);
    expect(last).toMatchObject({
      playbookId: 'billing-dispute',
      done: ['verify-identity', 'identify-charge', 'explain-or-correct', 'confirm-close'],
      complete: true,
    });
    expect(suggestions.map((suggestion) => suggestion.stepId)).toEqual([
      'verify-identity',
      'identify-charge',
      'explain-or-correct',
      'confirm-close',
    ]);
    for (const suggestion of suggestions) {
      expect(suggestion.title).toMatch(han);
      expect(suggestion.reason, suggestion.reason).not.toMatch(latinWord);
    }
    expect(last!.title).toBe('账单争议');
    expect(last!.steps.map((step) => step.title).join('')).not.toMatch(latinWord);
  });

  it('walks a refund request worded differently, and offers Chinese phrases for the next step', async () => {
    const runs = await runAnalyzer(createPlaybookAnalyzer({ playbooks }), [
      { customer: '我上周买的耳机有质量问题，想申请退款。' },
      { agent: '不好意思，能具体说说耳机哪里有问题吗？' },
      { customer: '左耳没有声音。' },
      { agent: '明白了。麻烦您报一下注册手机号，我这边核对一下身份。' },
      { customer: '13900001111。' },
      { agent: '好的。请提供一下订单编号，我查一下这笔购买记录。' },
      { customer: '订单编号是A2024。' },
      { agent: '已经为您办理了退款，钱会原路退回。' },
      { agent: '请问还有别的可以帮您的吗？' },
    ]);
    const results = runs.map((run) => run.output?.result as PlaybookResult | undefined);
    expect(results[0]).toMatchObject({ playbookId: 'refund-request', nextStepId: 'ask-reason' });
    expect(results[0]!.nextStepPhrase).toMatch(han);
    expect(results[0]!.nextStepPhrase).not.toMatch(latinWord);
    expect(results.at(-1)).toMatchObject({
      done: ['ask-reason', 'verify-identity', 'check-purchase', 'issue-refund', 'confirm-close'],
      complete: true,
    });
  });

  it('does not count a refusal or a question about the step as the step done', async () => {
    const { last } = await follow([
      { customer: '我想退款，这个东西根本用不了。' },
      { agent: '抱歉，这个订单已经超过退货期限，没办法给您办理退款。' },
    ]);
    expect(last!.done).not.toContain('issue-refund');
  });

  it('follows a Mandarin cancellation, a password reset and an outage through their steps', async () => {
    const cancel = await follow([
      { customer: '我想把会员退订了，太贵了。' },
      { agent: '好的，先帮您验证一下身份，请说一下账户绑定的邮箱。' },
      { customer: 'li@example.com' },
      { agent: '方便说一下为什么想取消吗？' },
      { customer: '就是太贵了。' },
      { agent: '我可以给您申请三个月的八折优惠，您看可以吗？' },
      { customer: '不用了，还是取消吧。' },
      { agent: '好的，已经帮您取消了，服务到本月底结束，之后不会再扣费。' },
    ]);
    expect(cancel.last).toMatchObject({
      playbookId: 'cancel-subscription',
      done: ['verify-identity', 'ask-reason', 'retention-offer', 'cancel'],
      nextStepId: 'confirm-close',
    });
    expect(cancel.last!.nextStepTitle).toMatch(han);

    const reset = await follow([
      { customer: '我的账号登录不了，密码忘了。' },
      { agent: '请问您的登录账号是多少？' },
      { customer: '是wang123。' },
      { agent: '好的，我先验证一下您的身份，请回答一下密保问题。' },
      { customer: '好的。' },
      { agent: '重置密码的链接已经发到您的邮箱了，三十分钟内有效。' },
      { agent: '您现在能正常登录了吗？' },
    ]);
    expect(reset.last).toMatchObject({
      playbookId: 'password-reset',
      done: ['pull-account', 'verify-identity', 'send-reset', 'confirm-access'],
    });

    const outage = await follow([
      { customer: '我家网络从早上开始就断网了。' },
      { agent: '请问是从几点开始的？家里的灯是什么状态？' },
      { customer: '早上八点左右。' },
      { agent: '我查了一下，您所在的小区目前有线路故障，技术人员正在抢修。' },
      { agent: '预计今天下午五点前恢复，恢复后会短信通知您。' },
    ]);
    expect(outage.last).toMatchObject({
      playbookId: 'outage-report',
      done: ['ask-symptoms', 'check-incidents', 'set-expectations'],
    });
  });
});
