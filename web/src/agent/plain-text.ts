/**
 * What an agent pastes to a customer: an article's Markdown as plain text. Emphasis, code marks,
 * heading hashes and search highlights go; a link keeps its text; list items keep a leading "- "
 * (numbered ones their number) so steps still read as steps.
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, '\n')
    .replace(/<\/?mark>/g, '')
    .replace(/[\uE000\uE001]/g, '')
    .split('\n')
    .filter((line) => !/^\s*```/.test(line))
    .map((line) =>
      line
        .replace(/^\s*#{1,6}\s+(.*?)\s*#*\s*$/, '$1')
        .replace(/^\s*[-*+]\s+/, '- ')
        .replace(/\[([^\]]+)\]\([^)\s]+\)/g, '$1')
        .replace(/`([^`]+)`/g, '$1')
        .replace(/\*\*|__/g, '')
        .replace(/(^|[^\w*])\*(?!\s)(.+?)\*(?!\w)/g, '$1$2')
        .replace(/(^|\W)_(?!\s)(.+?)_(?!\w)/g, '$1$2')
        .trimEnd(),
    )
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * An article's Markdown cut into its top-level blocks (a heading, a paragraph, a list, a fenced
 * code block), each still Markdown: the article view offers each one to copy or insert.
 */
export function markdownBlocks(markdown: string): { source: string; heading: boolean }[] {
  const blocks: { source: string; heading: boolean }[] = [];
  let current: string[] = [];
  let fenced = false;
  const flush = () => {
    if (current.some((line) => line.trim() !== ''))
      blocks.push({ source: current.join('\n'), heading: false });
    current = [];
  };
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*```/.test(line)) {
      if (!fenced) flush();
      current.push(line);
      fenced = !fenced;
      if (!fenced) flush();
      continue;
    }
    if (fenced) current.push(line);
    else if (/^#{1,6}\s/.test(line)) {
      flush();
      blocks.push({ source: line, heading: true });
    } else if (line.trim() === '') flush();
    else current.push(line);
  }
  flush();
  return blocks;
}
