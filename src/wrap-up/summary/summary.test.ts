import { describe, expect, it } from 'vitest';
import type { ConversationItem } from '../../conversations/types.js';
import type { ChatModel } from '../../providers/spec/chat-model.js';
import { createSummaryFinalizer } from './summary-finalizer.js';
import { buildConversation, buildTranscript } from '../test-transcript.js';
import { describeActionItem } from './describe-action-item.js';
import { narrativeSummary } from './narrative.js';
import { speakerLabel } from './speakers.js';
import { summarizeConversation, summarizeOffline } from './summarize.js';
import { toThirdPerson } from './third-person.js';

const call = buildTranscript([
  ['agent', 'Thank you for calling, how can I help you today?'],
  [
    'customer',
    "Hi. I was charged twice for my internet bill this month and I'm really annoyed about it.",
  ],
  [
    'agent',
    "I'm sorry about that. Can you confirm your date of birth so I can verify your identity?",
  ],
  ['customer', 'Sure, it is March 3rd 1985.'],
  { action: 'verify-identity' },
  [
    'agent',
    'Thanks. I see the duplicate charge of $49.99. I have issued a refund and it will arrive in 5 business days.',
  ],
  ['agent', "I'll call you back on Thursday at 3pm to confirm it went through."],
  ['customer', 'Great, thanks, that solves it.'],
  ['agent', 'Is there anything else I can help with? Have a great day.'],
]);

describe('speaker labels and third person', () => {
  it('keeps anonymised tags and capitalises roles', () => {
    expect(speakerLabel('person1')).toBe('#Person1#');
    expect(speakerLabel('#Person2#')).toBe('#Person2#');
    expect(speakerLabel('customer')).toBe('Customer');
  });

  it('rewrites first and second person into named speakers with agreeing verbs', () => {
    expect(
      toThirdPerson("I need my card and I'm late. Can you help?", '#Person1#', '#Person2#'),
    ).toBe("#Person1# needs #Person1#'s card and #Person1# is late. Can #Person2# help?");
    expect(toThirdPerson('I just want a refund', 'Customer', 'Agent')).toBe(
      'Customer just wants a refund',
    );
  });

  it('refers back to a role as they/their and does not repeat the subject after "and"', () => {
    const options = { pronouns: true };
    expect(
      toThirdPerson(
        "I was billed twice for my plan and I'm upset about it",
        'the customer',
        'the agent',
        options,
      ),
    ).toBe('the customer was billed twice for their plan and is upset about it');
    // After "the customer tells the agent", a "they" could mean either, so the name is used.
    expect(
      toThirdPerson('so I am moving your line to the new plan', 'the agent', 'the customer', {
        ...options,
        lastNamed: 'other',
      }),
    ).toBe("so the agent is moving the customer's line to the new plan");
    // Another "they" in the sentence: keep the name.
    expect(
      toThirdPerson('They charged my card again', 'the customer', 'the agent', {
        ...options,
        lastNamed: 'self',
      }),
    ).toBe("They charged the customer's card again");
  });

  it('reads an agent\'s "we" as the company and a peer\'s "we" as both speakers', () => {
    expect(
      toThirdPerson("We don't run freight trains at night", 'the agent', 'the customer', {
        pronouns: true,
        speaksForOrganisation: true,
      }),
    ).toBe("they don't run freight trains at night");
    expect(toThirdPerson("We're going to the cinema", '#Person1#', '#Person2#')).toBe(
      '#Person1# and #Person2# are going to the cinema',
    );
  });
});

describe('narrative summary', () => {
  it('summarises in third person, drops greetings, and is much shorter than the dialogue', () => {
    const turns = call.flatMap((item) =>
      item.kind === 'utterance' ? [{ speaker: item.speaker, text: item.text }] : [],
    );
    const summary = narrativeSummary(turns);
    expect(summary).toMatch(/The customer was charged twice for their internet bill/);
    expect(summary).not.toMatch(/\bI\b|\bmy\b/);
    expect(summary).not.toMatch(/how can I help/i);
    expect(summary.split(/\s+/).length).toBeLessThan(
      turns
        .map((t) => t.text)
        .join(' ')
        .split(/\s+/).length * 0.6,
    );
  });
});

describe('narrative between a customer and an agent', () => {
  const turns = [
    {
      speaker: 'customer',
      text: 'Hello. I want to close my account because the app keeps crashing.',
    },
    {
      speaker: 'agent',
      text: 'I am sorry to hear that. Our engineers fixed the crash in the latest update.',
    },
    {
      speaker: 'agent',
      text: 'I can offer you three months at half price if you stay with us.',
    },
    { speaker: 'customer', text: "I'm honestly pretty frustrated, but okay, I'll stay." },
  ];

  it('leaves service pleasantries out of the narrative', () => {
    const summary = narrativeSummary(
      [
        { speaker: 'agent', text: 'Thank you for calling Brightwave, how can I help you today?' },
        { speaker: 'customer', text: 'My router keeps dropping the connection every evening.' },
        { speaker: 'agent', text: 'I have reset the line from our side; it should hold now.' },
        { speaker: 'agent', text: 'Is there anything else I can help you with? Have a great day!' },
      ],
      { minWords: 40 },
    );
    expect(summary).toMatch(/router keeps dropping/);
    expect(summary).not.toMatch(/calling|help|great day/i);
  });

  it('reads like a supervisor note: "the customer", "their", offers reported as offers', () => {
    const summary = narrativeSummary(turns, { minWords: 40 });
    expect(summary).toMatch(/^The customer wants to close their account/);
    expect(summary).toContain('The agent offers the customer three months at half price');
    expect(summary).not.toMatch(/Customer's|Agent's|\bcan offer\b|honestly|pretty/);
    // Mid-sentence roles are lower case.
    expect(summary).not.toMatch(/\S (?:Customer|Agent)\b/);
  });
});

/** A stored transcript whose action items carry the data the connector sent. */
function withActionData(
  items: ConversationItem[],
  data: Record<string, Record<string, unknown>>,
): ConversationItem[] {
  return items.map((item) =>
    item.kind === 'action' && data[item.action] ? { ...item, data: data[item.action]! } : item,
  );
}

describe('actions and outcome', () => {
  const now = new Date('2024-05-06T10:10:00Z');

  it('describes action items by their name and data, whatever the action', () => {
    expect(describeActionItem('issue-refund', { amount: 24.99, currency: 'USD' })).toBe(
      'Issue refund: $24.99',
    );
    expect(describeActionItem('apply_credit', { months: 1 })).toBe('Apply credit: 1 month');
    expect(describeActionItem('extendTrial', { days: 14, plan: 'Plus', audit: { by: 'x' } })).toBe(
      'Extend trial: 14 days (plan: Plus)',
    );
    expect(describeActionItem('verify-identity', {})).toBe('Verify identity');
  });

  it('lists action items once, even when the agent says the same thing beside them', () => {
    const transcript = withActionData(
      buildTranscript([
        ['customer', 'My internet bill shows the same charge twice.'],
        ['agent', 'Let me check. Could you confirm your postcode?'],
        ['customer', 'It is AB1 2CD.'],
        { action: 'verify-identity' },
        ['agent', "Thanks. I'm refunding the duplicate $49.50 to your card now."],
        { action: 'issue-refund' },
        ['customer', 'Thanks, that helps.'],
      ]),
      {
        'verify-identity': { method: 'postcode' },
        'issue-refund': { amount: 49.5, currency: 'GBP' },
      },
    );
    expect(summarizeOffline(transcript, now).actions).toEqual([
      'Verify identity (method: postcode)',
      'Issue refund: £49.50',
    ]);
  });

  it('counts steps the agent is taking or has completed, but not offers, promises or questions', () => {
    const summary = summarizeOffline(
      buildTranscript([
        ['customer', 'I cannot log in and I want a cheaper plan.'],
        ['agent', 'I am resetting your password now. Would you like me to email you a link?'],
        ['customer', 'No thanks.'],
        [
          'agent',
          'Your plan has been changed to Basic. I can offer you a free month too. Once the change is processed, you will get an email.',
        ],
        ['agent', "I'm going to send you a survey."],
      ]),
      now,
    );
    expect(summary.actions).toEqual([
      'I am resetting your password now.',
      'Your plan has been changed to Basic.',
    ]);
  });

  it('calls a kept customer resolved when they accept the offer and the agent applies it', () => {
    const summary = summarizeOffline(
      withActionData(
        buildTranscript([
          [
            'customer',
            'I want to cancel my subscription, the video keeps freezing and it is useless.',
          ],
          ['agent', 'I am sorry. I can offer you two months at half price.'],
          ['customer', 'Fine, I will stay for now.'],
          { action: 'apply-discount' },
          ['agent', 'Done, the discount is applied to your next two bills.'],
        ]),
        { 'apply-discount': { months: 2, percent: 50 } },
      ),
      now,
    );
    expect(summary.actions).toEqual(['Apply discount: 2 months (percent: 50)']);
    expect(summary.outcome).toBe('resolved');
  });

  it('does not call a call resolved because of a step early on', () => {
    const summary = summarizeOffline(
      buildTranscript([
        ['customer', 'My order never arrived.'],
        { action: 'verify-identity' },
        ['agent', 'Thanks, I have verified your account.'],
        ['customer', 'So where is my order?'],
        ['agent', 'I do not see it in our system yet.'],
        ['customer', 'This is not good enough.'],
        ['agent', 'I understand.'],
      ]),
      now,
    );
    expect(summary.actions).toEqual(['Verify identity']);
    expect(summary.outcome).toBe('unresolved');
  });
});

describe('summarizeConversation', () => {
  const now = new Date('2024-05-06T10:10:00Z'); // a Monday

  it('fills reason, actions, outcome and dated follow-ups offline', async () => {
    const summary = await summarizeConversation(call, { now });
    expect(summary.source).toBe('offline');
    expect(summary.reason).toMatch(/charged twice/);
    expect(summary.actions.join(' ')).toMatch(/issued a refund/);
    expect(summary.outcome).toBe('follow-up');
    const callback = summary.followUps.find((f) => f.kind === 'callback');
    expect(callback?.dueAt).toBe('2024-05-09T15:00:00.000Z');
    const refund = summary.followUps.find((f) => f.kind === 'refund');
    expect(refund?.amounts).toEqual(['$49.99']);
    // 5 business days from Monday 6 May: Monday 13 May, by the end of the working day.
    expect(refund?.dueAt).toBe('2024-05-13T17:00:00.000Z');
  });

  it('uses the chat model when it answers, and falls back offline when it fails or rambles', async () => {
    const answering: ChatModel = {
      id: 'scripted',
      async generate(request) {
        expect(request.messages[0]!.content).toContain('[2] customer: Hi. I was charged twice');
        return {
          text: '{"narrative": "Customer was double charged; agent refunded.", "outcome": "resolved"}',
          usage: undefined,
        };
      },
      async *stream() {},
    };
    const llm = await summarizeConversation(call, { chatModel: answering, now });
    expect(llm).toMatchObject({
      source: 'llm',
      promptVersion: 'summary.v1',
      narrative: 'Customer was double charged; agent refunded.',
      outcome: 'resolved',
    });

    const failing: ChatModel = {
      id: 'down',
      generate: () => Promise.reject(new Error('ECONNREFUSED')),
      async *stream() {},
    };
    const fallback = await summarizeConversation(call, { chatModel: failing, now });
    expect(fallback.source).toBe('offline');
    expect(fallback.fallbackReason).toBe('llm_unavailable');
    expect(fallback.narrative.length).toBeGreaterThan(0);

    const rambling: ChatModel = {
      id: 'ramble',
      generate: async () => ({ text: 'Sure! Here is a summary.', usage: undefined }),
      async *stream() {},
    };
    expect((await summarizeConversation(call, { chatModel: rambling, now })).fallbackReason).toBe(
      'llm_reply_invalid',
    );
  });

  it('runs as the summary finalizer', async () => {
    const finalizer = createSummaryFinalizer({ now: () => now });
    const output = await finalizer.finalize({
      tenantId: 't1',
      conversation: buildConversation(),
      transcript: call,
      previous: {},
      analyses: {},
      signal: new AbortController().signal,
    });
    expect(finalizer.name).toBe('summary');
    expect(output?.result?.narrative).toEqual(expect.stringContaining('The customer'));
  });
});

/** The Mandarin billing call of issue 18: double charge, apology, threat to leave, refund promised. */
const mandarinCall = buildTranscript([
  ['agent', '您好，这里是星联宽带客服，请问有什么可以帮您？'],
  ['customer', '你好，我这个月被扣了两次月费，同一笔钱扣了两次，太气人了！'],
  ['agent', '非常抱歉给您带来不便。麻烦提供一下您的手机号，我帮您核实一下。'],
  ['customer', '13800138000。我要求退款，你们再不处理，我就取消服务，换别家了。'],
  ['agent', '我查到了，您本月的月费确实被重复扣了一次，是我们系统的问题，真的很抱歉。'],
  ['agent', '我已经为您提交了退款申请，重复扣的199元会在3到5个工作日内退回到您的账户。'],
  ['customer', '好的，那我等着，一定要退回来。'],
  ['agent', '好的，稍后我会给您回电确认退款进度。请问还有其他可以帮您的吗？'],
  ['customer', '没有了，谢谢。'],
  ['agent', '感谢您的来电，祝您生活愉快，再见！'],
]).map((item) => (item.kind === 'utterance' ? { ...item, language: 'zh' } : item));

describe('a Mandarin call', () => {
  // Sunday 6 December 2026: five working days later is Friday 11 December.
  const sunday = new Date('2026-12-06T05:09:27Z');
  const finalize = (language: string | null, transcript = mandarinCall) =>
    createSummaryFinalizer({ now: () => sunday }).finalize({
      tenantId: 't1',
      conversation: buildConversation({ language }),
      transcript,
      previous: {},
      analyses: {},
      signal: new AbortController().signal,
    });

  it('is summarised as a Chinese supervisor note in third person, not English around quotes', async () => {
    const summary = (await finalize('zh'))!.result!;
    expect(summary.narrative).not.toMatch(/[A-Za-z]/);
    expect(summary.narrative).not.toMatch(/[我您你]|星联宽带客服/);
    expect(summary.narrative).toMatch(/^客户反映/);
    expect(summary.narrative).toMatch(/扣了两次/);
    expect(summary.narrative).toMatch(/要求退款/);
    expect(summary.narrative).toMatch(/取消服务/);
    expect(summary.narrative).toMatch(/坐席致歉/);
    expect(summary.narrative).toMatch(/承诺[^。]*3到5个工作日内退回到客户的账户/);
    expect(summary.narrative).toMatch(/结果：已安排退款。$/);
  });

  it('fills the wrap-up fields in Chinese, with the refund and the callback as follow-ups', async () => {
    const summary = (await finalize('zh'))!.result!;
    expect(summary.reason).toMatch(/^客户[^我您]*扣了两次月费/);
    expect(summary.actions.some((action) => /^坐席已为客户提交了退款申请/.test(action))).toBe(true);
    expect(summary.outcome).toBe('follow-up');
    expect(summary.followUps.map((f) => [f.kind, f.dueAt])).toEqual([
      ['refund', '2026-12-11T17:00:00.000Z'],
      ['callback', '2026-12-06T07:09:27.000Z'],
    ]);
    expect(summary.followUps[0]!.draftMessage).toContain('199元');
  });

  it('detects Chinese from the customer text when the conversation has no or a wrong language', async () => {
    const declared = (await finalize('zh'))!.result!.narrative;
    expect((await finalize(null))!.result!.narrative).toBe(declared);
    expect((await finalize('en'))!.result!.narrative).toBe(declared);
  });

  it("follows the majority of the customer's text in a mixed-language call", async () => {
    const mostlyEnglish = call.map((item) =>
      item.kind === 'utterance' && item.seq === 4
        ? { ...item, text: 'Sure, it is March 3rd 1985, 谢谢。' }
        : item,
    );
    expect(summarizeOffline(mostlyEnglish, sunday).narrative).toMatch(/^The customer/);
    const mostlyChinese = mandarinCall.map((item) =>
      item.kind === 'utterance' && item.seq === 2
        ? { ...item, text: '你好，我的iPhone套餐这个月被扣了两次月费，太气人了！' }
        : item,
    );
    expect(summarizeOffline(mostlyChinese, sunday).narrative).toMatch(/^客户反映[^。]*iPhone/);
  });

  it('writes other Mandarin calls as notes too: a plan change and an escalated login fault', () => {
    const planChange = summarizeOffline(
      buildTranscript([
        ['customer', '你好，我想改一下我的套餐，现在的流量不够用。'],
        ['agent', '可以的，我们有一个每月99元的套餐，包含50G流量。'],
        ['customer', '行，就换这个吧。'],
        ['agent', '好的，我已经为您办理了套餐变更，变更成功的短信会在24小时内发到您的手机。'],
        ['customer', '好的，没问题了，谢谢。'],
      ]),
      sunday,
    );
    expect(planChange.reason).toBe('客户现在的流量不够用');
    expect(planChange.narrative).not.toContain('没问题');
    expect(planChange.narrative).toContain('坐席已为客户办理了套餐变更');
    expect(planChange.followUps.map((f) => f.kind)).toEqual(['send']);
    const login = summarizeOffline(
      buildTranscript([
        ['customer', '你们的APP我一直登录不了，密码重置了好几次都不行，太过分了！'],
        ['agent', '非常抱歉，这个问题需要转给技术部门处理，技术专员会在两个工作日内联系您。'],
        ['customer', '还是不行的话我就投诉了。'],
      ]),
      sunday,
    );
    expect(login.narrative).toBe(
      '客户反映公司的APP一直登录不了，密码重置了好几次都不行，并表示还是不行的话就投诉。坐席致歉，承诺技术专员会在两个工作日内联系客户。结果：已升级处理。',
    );
    expect(login.outcome).toBe('escalated');
  });

  it('asks the chat model for a Chinese note, in Chinese', async () => {
    let prompt = '';
    const answering: ChatModel = {
      id: 'scripted',
      async generate(request) {
        prompt = request.messages[0]!.content;
        return {
          text: '{"narrative": "客户反映被重复扣费，坐席承诺退款。", "outcome": "follow-up 已安排退款"}',
          usage: undefined,
        };
      },
      async *stream() {},
    };
    const summary = await summarizeConversation(mandarinCall, {
      chatModel: answering,
      now: sunday,
    });
    expect(prompt).toContain('简体中文');
    expect(prompt).toContain('[2] customer: 你好，我这个月被扣了两次月费');
    expect(summary).toMatchObject({
      source: 'llm',
      promptVersion: 'summary-zh.v1',
      narrative: '客户反映被重复扣费，坐席承诺退款。',
      outcome: 'follow-up',
    });
  });

  it('writes the same note for the call in Traditional characters, and keeps Japanese off it', () => {
    const traditional = mandarinCall.map((item) =>
      item.kind === 'utterance' && item.seq === 2
        ? { ...item, text: '你好，我這個月被扣了兩次月費，同一筆錢扣了兩次，太氣人了！' }
        : item,
    );
    expect(summarizeOffline(traditional, sunday).narrative).toBe(
      summarizeOffline(mandarinCall, sunday).narrative,
    );
    const japanese = buildTranscript([
      ['customer', '今月の料金が二重に請求されました。返金してください。'],
      ['agent', '申し訳ございません。すぐに確認いたします。'],
    ]);
    expect(summarizeOffline(japanese, sunday).narrative).not.toMatch(/^客户/);
  });

  it('reports a threat the customer takes back after a retention offer', () => {
    const retention = summarizeOffline(
      buildTranscript([
        ['customer', '我要取消我的会员，每个月扣费太贵了。'],
        ['agent', '我可以为您申请三个月的会员五折优惠，您看可以吗？'],
        ['customer', '五折的话可以，那就先不取消了。'],
        ['agent', '好的，我已经为您办理了五折优惠。'],
      ]),
      sunday,
    );
    expect(retention.narrative).toMatch(
      /^客户反映每个月扣费太贵了，并表示要取消其会员，后表示先不取消。/,
    );
    expect(retention.narrative).toContain('坐席已为客户办理了五折优惠');
  });
});
