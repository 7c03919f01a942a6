import type { CallScript } from './call-script.js';
import { speakingMs, spokenPieces } from './spoken-pieces.js';

export interface IngestSocket {
  /** Sends a message and resolves with the server's reply to it (ack, opened, ended or error). */
  request(message: Record<string, unknown>): Promise<Record<string, unknown>>;
  send(message: Record<string, unknown>): void;
}

export interface ReplayOptions {
  conversationId: string;
  agentId: string;
  /** Pause between turns, as a speaker takes time to talk. */
  turnGapMs: number;
  /** How many interim transcripts precede each final one (speech-to-text style). */
  interims: number;
  onFinalSent?: (seq: number, sentAt: number) => void;
  /** Play only the first turns and leave the conversation open (a call still going on). */
  turns?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Plays one call into the ingest socket as a speech-to-text bridge would: growing interim
 * transcripts, then the final one with its sequence number; agent actions; then the end.
 */
export async function replayCall(
  socket: IngestSocket,
  script: CallScript,
  options: ReplayOptions,
): Promise<number> {
  const opened = await socket.request({
    type: 'open',
    conversationId: options.conversationId,
    channel: script.channel,
    agentId: options.agentId,
    ...(script.customerId ? { customerId: script.customerId } : {}),
    ...(script.customerAttributes ? { customerAttributes: script.customerAttributes } : {}),
  });
  if (opened.type === 'error') throw new Error(`open failed: ${String(opened.message)}`);
  let seq = Number(opened.lastSeq ?? 0);
  let startMs = 0;
  for (const [index, turn] of script.turns.slice(0, options.turns).entries()) {
    if (index > 0 && options.turnGapMs > 0) await sleep(options.turnGapMs);
    seq++;
    if ('action' in turn) {
      await socket.request({
        type: 'action',
        conversationId: options.conversationId,
        seq,
        action: turn.action,
        ...(turn.data ? { data: turn.data } : {}),
      });
      continue;
    }
    const spoken = spokenPieces(turn.text);
    for (let i = 1; i <= options.interims; i++) {
      const upTo = Math.max(1, Math.round((spoken.pieces.length * i) / (options.interims + 1)));
      socket.send({
        type: 'utterance',
        conversationId: options.conversationId,
        seq,
        speaker: turn.speaker,
        text: spoken.upTo(upTo),
        final: false,
      });
    }
    const durationMs = speakingMs(turn.text);
    const sentAt = performance.now();
    options.onFinalSent?.(seq, sentAt);
    const reply = await socket.request({
      type: 'utterance',
      conversationId: options.conversationId,
      seq,
      speaker: turn.speaker,
      text: turn.text,
      final: true,
      startMs,
      endMs: startMs + durationMs,
    });
    if (reply.type === 'error')
      throw new Error(`utterance ${seq} refused: ${String(reply.code)} ${String(reply.message)}`);
    startMs += durationMs + 400;
  }
  if (options.turns === undefined || options.turns >= script.turns.length)
    await socket.request({ type: 'end', conversationId: options.conversationId });
  return seq;
}
