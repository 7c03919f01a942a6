import type { ConversationItem } from '../conversations/types.js';
import { toSimplified } from '../text/chinese-script.js';

// Japanese writes kanji in forms that look traditional (請求, 確認): text with kana is Japanese
// and stays as written.
const kana = /[\u3040-\u30ff]/;

/**
 * The item as every stage reads it: Chinese in traditional script turned into simplified, so
 * that word lists, cue phrases, code-set examples and models written once in simplified serve a
 * Taiwan or Hong Kong caller too. Done here, once per item, instead of in each stage; what is
 * stored and published stays as it was said.
 */
export function readableItem(item: ConversationItem): ConversationItem {
  if (item.kind !== 'utterance' || kana.test(item.text)) return item;
  const text = toSimplified(item.text);
  return text === item.text ? item : { ...item, text };
}
