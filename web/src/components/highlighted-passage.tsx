import { fromHighlighted, Markdown } from '../knowledge/markdown.js';

/**
 * A passage of an article (a card, a search result, an answer), formatted as the article's
 * Markdown with the matched words in <mark>. Only <mark> is read from the highlighted string;
 * everything else is Markdown rendered as React elements, so article content can never inject
 * HTML.
 */
export function HighlightedPassage({
  highlighted,
  passage,
}: {
  highlighted?: string | undefined;
  passage: string;
}) {
  if (!highlighted) return <p className="passage">{passage}</p>;
  return (
    <div className="passage">
      <Markdown source={fromHighlighted(highlighted)} />
    </div>
  );
}
