import type { ConversationRecord } from './live/types.js';

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (value: number) => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
}

export function conversationDuration(record: ConversationRecord, now: number): string {
  const end = record.endedAt ? Date.parse(record.endedAt) : now;
  return formatDuration(end - Date.parse(record.startedAt));
}

export const CHANNEL_LABELS: Record<string, string> = {
  voice: 'Voice',
  chat: 'Chat',
  email: 'E-mail',
};

export function humanize(value: string): string {
  const spaced = value.replace(/[-_]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** "ja" → "Japanese", in the browser's language; the code itself when the browser has no name. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** What a console shows in place of a result a stage did not produce for this language. */
export function notAvailableIn(language: string): string {
  return `Not available in ${languageName(language)}`;
}

/** A follow-up's kind as a person reads it ("send" alone says nothing about what is sent). */
const FOLLOW_UP_KINDS: Record<string, string> = {
  callback: 'Callback',
  send: 'Send information',
  refund: 'Refund',
  delivery: 'Delivery',
  escalation: 'Escalation',
  other: 'Promise to the customer',
};

export function followUpKindName(kind: string): string {
  return FOLLOW_UP_KINDS[kind] ?? humanize(kind);
}
