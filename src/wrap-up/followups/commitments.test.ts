import { describe, expect, it } from 'vitest';
import { extractCommitments } from './commitments.js';

// Sunday 6 December 2026, 05:09 UTC: a call that ends early on a weekend morning.
const now = new Date('2026-12-06T05:09:27Z');
const turns = [
  { seq: 8, speaker: 'agent', text: "I'm issuing a refund of $24.99 to your card right now." },
  { seq: 10, speaker: 'customer', text: 'Okay. How long does that take?' },
  {
    seq: 11,
    speaker: 'agent',
    text: "Refunds arrive in 5 to 7 business days. I'll also email you a confirmation today, and I'll call you back on Thursday at 2pm.",
  },
];

describe('follow-ups from commitments', () => {
  const found = extractCommitments(turns, { now, owners: ['agent'] });
  const byKind = (kind: string) => found.find((commitment) => commitment.kind === kind)!;

  it('counts business days past the weekend, to the latest day promised', () => {
    // 7 business days from Sunday 6 Dec: Mon 7 … Fri 11, Mon 14, Tue 15.
    expect(byKind('refund').dueAt).toBe('2026-12-15T17:00:00.000Z');
    expect(byKind('refund').draftMessage).toContain('by Tue, 15 Dec 2026.');
  });

  it('carries the refund amount said a turn before into the task and the message', () => {
    expect(byKind('refund').amounts).toEqual(['$24.99']);
    expect(byKind('refund').draftMessage).toContain('Your refund of $24.99');
  });

  it('names a time in the message only when one was said', () => {
    expect(byKind('callback').dueAt).toBe('2026-12-10T14:00:00.000Z');
    expect(byKind('callback').draftMessage).toContain('Thu, 10 Dec 2026, 14:00 UTC');
    expect(byKind('send').draftMessage).toMatch(/by Sun, 06 Dec 2026\.$/);
  });

  it('keeps calendar days and hours as they are', () => {
    const [days, hours] = extractCommitments(
      [
        { seq: 1, speaker: 'agent', text: 'The replacement will arrive in 3 days.' },
        { seq: 2, speaker: 'agent', text: 'A technician will call you within 4 hours.' },
      ],
      { now },
    );
    expect(days!.dueAt).toBe('2026-12-09T17:00:00.000Z');
    expect(hours!.dueAt).toBe('2026-12-06T09:09:27.000Z');
  });

  it('reads numbers as speech-to-text spells them', () => {
    const [spelled] = extractCommitments(
      [{ seq: 1, speaker: 'agent', text: 'Your refund should arrive in twenty-one days.' }],
      { now },
    );
    expect(spelled!.dueAt).toBe('2026-12-27T17:00:00.000Z');
  });
});

describe('follow-ups from Chinese commitments', () => {
  const one = (text: string) => {
    const found = extractCommitments([{ seq: 1, speaker: 'agent', text }], { now });
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('counts Chinese working days past the weekend, with digits or Chinese numerals', () => {
    for (const text of [
      '重复扣的199元会在3到5个工作日内退回到您的账户。',
      '退款三至五个工作日内到账。',
    ]) {
      const refund = one(text);
      // 5 working days from Sunday 6 Dec: Mon 7 … Fri 11.
      expect(refund.kind).toBe('refund');
      expect(refund.dueAt).toBe('2026-12-11T17:00:00.000Z');
      expect(refund.draftMessage).toContain('2026年12月11日');
    }
    expect(one('重复扣的199元会在3到5个工作日内退回到您的账户。').amounts).toEqual(['199元']);
  });

  it('reads tomorrow afternoon, next week days, month end and counted days and hours', () => {
    const callback = one('我明天下午给您回电。');
    expect(callback.kind).toBe('callback');
    expect(callback.dueAt).toBe('2026-12-07T14:00:00.000Z');
    // On a Sunday, 下周三 is the Wednesday of the week that starts tomorrow.
    expect(one('下周三工程师会上门检修。').dueAt).toBe('2026-12-09T09:00:00.000Z');
    const delivery = one('新的路由器三天内给您寄出。');
    expect(delivery.kind).toBe('delivery');
    expect(delivery.dueAt).toBe('2026-12-09T17:00:00.000Z');
    expect(one('补偿会在月底前发放到您的账户。').dueAt).toBe('2026-12-31T17:00:00.000Z');
    expect(one('24小时内会有专员联系您。').dueAt).toBe('2026-12-07T05:09:27.000Z');
    expect(one('二十四小时内会有专员联系您。').dueAt).toBe('2026-12-07T05:09:27.000Z');
    expect(one('我们会在两周内把发票寄给您。').dueAt).toBe('2026-12-20T17:00:00.000Z');
  });

  it('turns "call you back later" into a callback due the same day, described in Chinese', () => {
    const later = one('好的，稍后回电给您确认退款进度。');
    expect(later.kind).toBe('callback');
    expect(later.dueAt).toBe('2026-12-06T07:09:27.000Z');
    expect(later.draftMessage).toBe('我们将于2026年12月6日（周日） 07:09 UTC前回电给您。');
  });

  it('finds each promise in a turn that makes two, and ignores questions and done steps', () => {
    const found = extractCommitments(
      [
        {
          seq: 4,
          speaker: 'agent',
          text: '我已经为您提交了退款申请，款项会在3到5个工作日内退回，稍后我会给您回电确认。请问还有其他问题吗？',
        },
        { seq: 5, speaker: 'customer', text: '退款什么时候到账？' },
      ],
      { now },
    );
    expect(found.map((commitment) => commitment.kind)).toEqual(['refund', 'callback']);
  });

  it('arranges no follow-up for a conditional promise, only for the promise made outright', () => {
    const found = extractCommitments(
      [
        {
          seq: 6,
          speaker: 'agent',
          text: '如果明天还没送到，我们会给您补发一个新的，并且我会在明天下午5点前给您回电。',
        },
      ],
      { now },
    );
    expect(found.map((commitment) => [commitment.kind, commitment.dueAt])).toEqual([
      ['callback', '2026-12-07T17:00:00.000Z'],
    ]);
    expect(found[0]!.draftMessage).toBe('我们将于2026年12月7日（周一） 17:00 UTC前回电给您。');
    for (const conditional of [
      '若明天中午还没有恢复，我们会安排技术人员上门检查。',
      '万一超过期限没有寄回，会收取三百元的设备费。',
      '另外故障满二十四小时的话，系统会自动给您补偿一天的月租。',
      '要是三天内还没到账，我会给您回电。',
      // The threshold is the condition; the sentence after it says how that compensation is paid.
      '故障超过二十四小时会自动补偿，补偿会体现在下一期账单中。',
    ])
      expect(
        extractCommitments([{ seq: 1, speaker: 'agent', text: conditional }], { now }),
        conditional,
      ).toEqual([]);
  });

  it('arranges no follow-up for an English conditional promise', () => {
    const found = extractCommitments(
      [
        {
          seq: 3,
          speaker: 'agent',
          text: "If the outage lasts more than 24 hours, we'll credit your account automatically. I'll call you back tomorrow at 10am. In case the technician can't fix it, we will send a replacement.",
        },
      ],
      { now },
    );
    expect(found.map((commitment) => commitment.kind)).toEqual(['callback']);
  });

  it('tells what the customer has to do from what the company promises', () => {
    expect(one('我们会在两个工作日内把免费的退货快递单发到您的邮箱。').kind).toBe('send');
    for (const notOurs of ['机顶盒需要在十五天内寄回。', '请您在三天内把旧卡寄回给我们。'])
      expect(
        extractCommitments([{ seq: 1, speaker: 'agent', text: notOurs }], { now }),
        notOurs,
      ).toEqual([]);
    // An undated routine ("the bill will go to the new address") is no task; a notice is.
    expect(
      extractCommitments([{ seq: 1, speaker: 'agent', text: '下个月的账单会寄到新地址。' }], {
        now,
      }),
    ).toEqual([]);
    const notice = one('修好以后我们会发短信通知您。');
    expect(notice.kind).toBe('send');
    // A notice is a notice, not "the documents we discussed".
    expect(notice.draftMessage).toBe('我们将在有进展后通过短信通知您。');
    expect(one('明天下午三点前我会用邮件通知您结果。').draftMessage).toBe(
      '我们将于2026年12月7日（周一） 15:00 UTC前通过邮件通知您。',
    );
  });

  it('reads Traditional characters like Simplified ones', () => {
    const refund = one('退款會在三至五個工作日內退回到您的帳戶。');
    expect(refund.kind).toBe('refund');
    expect(refund.dueAt).toBe('2026-12-11T17:00:00.000Z');
    expect(one('我下週三會給您回電。').dueAt).toBe('2026-12-09T09:00:00.000Z');
  });

  it('tells a promise from news, and a date from a duration', () => {
    expect(
      extractCommitments([{ seq: 1, speaker: 'agent', text: '系统显示您的套餐明天生效。' }], {
        now,
      }),
    ).toEqual([]);
    // "12月" is a month of the year, not twelve months.
    expect(one('新的路由器我们12月20日之前给您送到。').dueAt).toBe('2026-12-20T09:00:00.000Z');
    // The 3rd has passed this month, so it is the 3rd of next month.
    expect(one('这个月的账单会在三号左右发到您的邮箱。').dueAt).toBe('2027-01-03T09:00:00.000Z');
    const delivery = one('您的补卡会通过快递寄出，预计三天内送达。');
    expect(delivery.dueAt).toBe('2026-12-09T17:00:00.000Z');
    const escalation = one('这个问题我需要上报给技术部门，他们会在两个工作日内给您答复。');
    expect([escalation.kind, escalation.dueAt]).toEqual(['escalation', '2026-12-08T17:00:00.000Z']);
  });

  it('describes a repair time as a repair, not a specialist call', () => {
    const repair = one('工程师预计明天中午十二点前修好。');
    expect([repair.kind, repair.dueAt]).toEqual(['other', '2026-12-07T12:00:00.000Z']);
    expect(repair.draftMessage).toBe('我们预计于2026年12月7日（周一） 12:00 UTC前恢复服务。');
  });

  it('describes a technician visit as a visit, not a specialist call', () => {
    expect(one('工程师明天会上门检修。').draftMessage).toBe(
      '我们已安排工作人员于2026年12月7日（周一）前上门服务。',
    );
  });

  it('keeps an English promise that names a Chinese name English', () => {
    const [callback] = extractCommitments(
      [{ seq: 1, speaker: 'agent', text: "I'll call you back on Thursday at 2pm, Mr. 王伟." }],
      { now },
    );
    expect(callback?.dueAt).toBe('2026-12-10T14:00:00.000Z');
  });

  it('reads amounts in Chinese numerals, and names compensation as such', () => {
    expect(one('多扣的八十九元三到五个工作日内退回原支付账户。').amounts).toEqual(['89元']);
    const credit = one('停机的补偿会在五个工作日内退到您的账户。');
    expect(credit.kind).toBe('refund');
    expect(credit.draftMessage).toBe('您的补偿已提交，预计2026年12月11日（周五）前到账。');
  });
});
