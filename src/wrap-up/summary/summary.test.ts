import { describe, expect, it } from 'vitest';
import type { ChatModel } from '../../providers/spec/chat-model.js';
import { createSummaryFinalizer } from '../../pipeline/finalizers/summary-finalizer.js';
import { buildConversation, buildTranscript } from '../test-transcript.js';
import { narrativeSummary } from './narrative.js';
import { speakerLabel } from './speakers.js';
import { summarizeConversation } from './summarize.js';
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
});

describe('narrative summary', () => {
  it('summarises in third person, drops greetings, and is much shorter than the dialogue', () => {
    const turns = call.flatMap((item) =>
      item.kind === 'utterance' ? [{ speaker: item.speaker, text: item.text }] : [],
    );
    const summary = narrativeSummary(turns);
    expect(summary).toMatch(/Customer was charged twice/);
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
    expect(output?.result?.narrative).toEqual(expect.stringContaining('Customer'));
  });
});
