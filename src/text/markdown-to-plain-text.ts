/**
 * Articles are Markdown; what an agent reads in a card, a search result or a cited passage is
 * plain text. Passages are cut from the middle of articles (search fragments), so markup can be
 * unbalanced (`"… **: when an outage"`): markers are removed one by one, not matched in pairs.
 * Any other characters (search highlight markers included) pass through untouched.
 */
export function markdownToPlainText(text: string): string {
  return (
    text
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\([^)\s]*\)/g, '$1')
      .replace(/^[ \t]{0,3}#{1,6}[ \t]+/gm, '')
      .replace(/^[ \t]{0,3}>[ \t]?/gm, '')
      .replace(/\*\*|__/g, '')
      // Single-character emphasis, only when it wraps a word: "*Verifying identity*".
      .replace(/(^|[\s(])[*_](?=\S)([^*_\n]*?\S)[*_](?=$|[\s).,;:!?])/gm, '$1$2')
      .replace(/`+/g, '')
      .replace(/[ \t]+:/g, ':')
      .replace(/…\s*:\s*/g, '… ')
  );
}
