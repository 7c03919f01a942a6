import type { ReactNode } from 'react';

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
};

function decode(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (entity) => ENTITIES[entity] ?? entity);
}

/**
 * A search passage with its matched words in <mark>. Only <mark> becomes markup; everything
 * else is rendered as text (React escapes it), so article content can never inject HTML.
 */
export function HighlightedPassage({
  highlighted,
  passage,
}: {
  highlighted?: string | undefined;
  passage: string;
}) {
  if (!highlighted) return <p className="passage">{passage}</p>;
  const parts: ReactNode[] = [];
  let marked = false;
  for (const [index, part] of highlighted.split(/(<mark>|<\/mark>)/).entries()) {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part) parts.push(marked ? <mark key={index}>{decode(part)}</mark> : decode(part));
  }
  return <p className="passage">{parts}</p>;
}
