import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { HighlightedPassage } from '../web/src/components/highlighted-passage.js';
import { renderHighlight, OPEN, CLOSE } from '../src/knowledge/highlight.js';

/** What a console shows for a passage the search produced (the real producer, not a hand shape). */
function shown(marked: string): string {
  const { highlighted, passage } = renderHighlight(marked);
  return renderToStaticMarkup(createElement(HighlightedPassage, { highlighted, passage }));
}

const mark = (word: string) => `${OPEN}${word}${CLOSE}`;

describe('passages in the consoles', () => {
  it('shows an article passage formatted, its matches marked, never raw **', () => {
    const html = shown(
      `**Delivery options**\n- Standard: 3–5 business ${mark('days')}, free over $50.\n- *Express*: next day.`,
    );
    expect(html).toContain('<strong>Delivery options</strong>');
    expect(html).toContain('<li>Standard: 3–5 business <mark>days</mark>, free over $50.</li>');
    expect(html).toContain('<em>Express</em>');
    expect(html).not.toContain('**');
  });

  it('drops half a marker pair left by a cut, and formats Chinese', () => {
    expect(shown(`lasts 24 hours**: the ${mark('credit')} is automatic`)).not.toContain('**');
    expect(shown(`**补偿**：故障持续${mark('超过')}24小时`)).toContain(
      '<strong>补偿</strong>：故障持续<mark>超过</mark>24小时',
    );
  });

  it('shows HTML in an article as text, and drops unsafe links', () => {
    const html = shown(
      `Press <img src=x onerror="alert(1)"> then [reset](javascript:alert(1)) the ${mark('router')}`,
    );
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('<mark>router</mark>');
  });
});
