import type { ConversationItem } from '../../conversations/types.js';
import { majorityLanguage } from '../../text/chinese-script.js';

/** The languages the agent's assist texts (alert titles, next steps, reply reasons) exist in. */
export type AssistLanguage = 'en' | 'zh';

/** Utterances looked at: enough to outweigh one code-switched turn, few enough to follow a switch. */
const RECENT_UTTERANCES = 6;

/**
 * The language to show the agent assist texts in: that of what was said most recently (the
 * conversation's last few utterances, all speakers), else the language the connector declared,
 * else English. The words said come first, as for the wrap-up's note (summaryLanguage):
 * connectors often declare nothing, or a tenant default that is wrong for this call. Actions
 * carry no words, so an alert raised on an action follows the utterances around it.
 */
export function assistLanguage(
  transcript: readonly ConversationItem[],
  declared?: string | null,
): AssistLanguage {
  const recent: string[] = [];
  for (let index = transcript.length - 1; index >= 0; index--) {
    const item = transcript[index]!;
    if (item.kind !== 'utterance') continue;
    recent.push(item.text);
    if (recent.length === RECENT_UTTERANCES) break;
  }
  return majorityLanguage(recent) ?? (declared?.toLowerCase().startsWith('zh') ? 'zh' : 'en');
}
