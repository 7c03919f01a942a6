import type { ReactNode } from 'react';

/**
 * A deliberately small Markdown renderer for articles and the passages cut from them (cards,
 * search results, answers): headings, paragraphs, lists, fenced code, bold, italic, inline code
 * and links. It builds React elements, never an HTML string, so anything it does not understand
 * (raw HTML included) is shown as text. Search highlights travel through it as two private-use
 * characters and come out as <mark> elements.
 */

/** Where a highlighted passage's <mark> and </mark> were (see `fromHighlighted`). */
export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';

/**
 * A leaf of text: highlight markers become <mark>; an emphasis marker left unpaired (a passage
 * cut mid-article) is dropped rather than shown to the agent as `**`.
 */
function leaf(text: string, key: string): ReactNode[] {
  const nodes: ReactNode[] = [];
  // Only `**`: a `__` left over is part of a word ("__init__", "window.__x"), not emphasis.
  const clean = text.replace(/\*\*/g, '');
  for (const [index, part] of clean.split(/(\uE000[^\uE001]*\uE001)/).entries()) {
    if (!part) continue;
    if (part.startsWith(MARK_OPEN))
      nodes.push(<mark key={`${key}-m${index}`}>{part.slice(1, -1)}</mark>);
    else nodes.push(part.replace(/[\uE000\uE001]/g, ''));
  }
  return nodes;
}

const SAFE_HREF = /^(https?:\/\/|mailto:|\/|#)/i;
const INLINE =
  /`([^`]+)`|\*\*(.+?)\*\*|__(.+?)__|\*(?!\s)(.+?)\*|(?<!\w)_(?!\s)(.+?)_(?!\w)|\[([^\]]+)\]\(([^)\s]+)\)/g;

function inline(text: string, keyPrefix: string): ReactNode[] {
  const nodes: ReactNode[] = [];
  let last = 0;
  let index = 0;
  for (const match of text.matchAll(INLINE)) {
    const at = match.index;
    const key = `${keyPrefix}-${index++}`;
    if (at > last) nodes.push(...leaf(text.slice(last, at), `${key}t`));
    const [whole, code, bold1, bold2, italic1, italic2, linkText, href] = match;
    if (code !== undefined) nodes.push(<code key={key}>{leaf(code, key)}</code>);
    else if (bold1 !== undefined || bold2 !== undefined)
      nodes.push(<strong key={key}>{inline(bold1 ?? bold2 ?? '', key)}</strong>);
    else if (italic1 !== undefined || italic2 !== undefined)
      nodes.push(<em key={key}>{inline(italic1 ?? italic2 ?? '', key)}</em>);
    else if (linkText !== undefined && href !== undefined)
      nodes.push(
        SAFE_HREF.test(href) ? (
          <a key={key} href={href} rel="noopener noreferrer" target="_blank">
            {inline(linkText, key)}
          </a>
        ) : (
          // A javascript: or data: link keeps its text and loses the link.
          <span key={key}>{leaf(whole, key)}</span>
        ),
      );
    last = at + whole.length;
  }
  if (last < text.length) nodes.push(...leaf(text.slice(last), `${keyPrefix}-end`));
  return nodes;
}

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'code'; text: string };

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const FENCE = /^\s*```/;

export function parseBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (FENCE.test(line)) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !FENCE.test(lines[i]!); i++) code.push(lines[i]!);
      blocks.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: heading[1]!.length, text: heading[2]! });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      flush();
      const ordered = numbered !== null;
      const item = (bullet ?? numbered)![1]!;
      const previous = blocks[blocks.length - 1];
      if (previous?.kind === 'list' && previous.ordered === ordered) previous.items.push(item);
      else blocks.push({ kind: 'list', ordered, items: [item] });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    // A line indented under a list item continues that item.
    const previous = blocks[blocks.length - 1];
    if (paragraph.length === 0 && previous?.kind === 'list' && /^\s+\S/.test(line)) {
      previous.items[previous.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  return blocks;
}

export function Markdown({ source }: { source: string }) {
  const blocks = parseBlocks(source);
  return (
    <>
      {blocks.map((block, index) => {
        const key = `b${index}`;
        switch (block.kind) {
          case 'heading': {
            const Heading = `h${block.level}` as 'h1';
            return <Heading key={key}>{inline(block.text, key)}</Heading>;
          }
          case 'paragraph':
            return <p key={key}>{inline(block.text, key)}</p>;
          case 'list': {
            const List = block.ordered ? 'ol' : 'ul';
            return (
              <List key={key}>
                {block.items.map((item, itemIndex) => (
                  <li key={itemIndex}>{inline(item, `${key}-${itemIndex}`)}</li>
                ))}
              </List>
            );
          }
          case 'code':
            return (
              <pre key={key}>
                <code>{leaf(block.text, key)}</code>
              </pre>
            );
        }
      })}
    </>
  );
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
};

/**
 * The Markdown source of a highlighted passage (HTML-escaped, matches in <mark></mark>): the
 * marks become the private-use markers first, so article text that spells out "<mark>" stays
 * text, then the entities are decoded.
 */
export function fromHighlighted(highlighted: string): string {
  return highlighted
    .replace(/[\uE000\uE001]/g, '')
    .replaceAll('<mark>', MARK_OPEN)
    .replaceAll('</mark>', MARK_CLOSE)
    .replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (entity) => ENTITIES[entity] ?? entity);
}
