import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCallScripts } from './call-script.js';
import { replayCall, type IngestSocket } from './replay-call.js';
import { clip, formatEvent } from './format-event.js';

const demoCalls = path.resolve(import.meta.dirname, '../../../knowledge/demo-calls');

/** An ingest socket that acknowledges everything and keeps what the replay sent. */
function recordingSocket() {
  const sent: Record<string, unknown>[] = [];
  const socket: IngestSocket = {
    async request(message) {
      sent.push(message);
      return message.type === 'open' ? { type: 'opened', lastSeq: 0 } : { type: 'ack' };
    },
    send(message) {
      sent.push(message);
    },
  };
  return { socket, sent };
}

describe('replaying the Mandarin demo call', () => {
  it('sends growing interim transcripts before each final one, as speech-to-text does in Chinese', async () => {
    const scripts = await loadCallScripts(demoCalls);
    const call = scripts.find((script) => script.id === 'demo-zh-outage');
    expect(call, scripts.map((script) => script.id).join(', ')).toBeDefined();
    const { socket, sent } = recordingSocket();
    await replayCall(socket, call!, {
      conversationId: 'zh-1',
      agentId: 'agent-1',
      turnGapMs: 0,
      interims: 2,
    });
    const turn2 = sent.filter((message) => message.seq === 2);
    const final = turn2.find((message) => message.final === true)!;
    expect(final.text).toContain('断网');
    const interims = turn2
      .filter((message) => message.final === false)
      .map((message) => String(message.text));
    expect(interims).toHaveLength(2);
    // Each interim is a longer beginning of the sentence, never the whole of it.
    expect(interims[0]!.length).toBeLessThan(interims[1]!.length);
    for (const text of interims) {
      expect(String(final.text).startsWith(text)).toBe(true);
      expect(text).not.toBe(final.text);
    }
    // About four characters a second, not one "word" of 350 ms for the whole sentence.
    expect(Number(final.endMs) - Number(final.startMs)).toBeGreaterThan(5_000);
    expect(sent.at(-1)).toMatchObject({ type: 'end' });
  });

  it('prints Chinese lines whole up to the terminal width, counting each character as two columns', () => {
    const line = formatEvent({
      type: 'item-final',
      item: {
        kind: 'utterance',
        seq: 2,
        speaker: 'customer',
        text: '你好，我家宽带从昨天晚上开始就断网了，路由器上的灯一直是红的，重启了好几次也没用。'.repeat(
          2,
        ),
      },
    } as Parameters<typeof formatEvent>[0]);
    expect(line).toContain('你好，我家宽带从昨天晚上开始就断网了');
    expect(clip('断网了'.repeat(40), 20)).toBe(`${'断网了'.repeat(3)}…`);
    expect(clip('short', 20)).toBe('short');
  });
});
