import { describe, expect, it } from 'vitest';
import { htmlToText, parseDocument, slugify } from './parse-document.js';

describe('parseDocument', () => {
  it('reads YAML front matter and drops the heading that repeats the title', () => {
    const article = parseDocument(
      'refunds.md',
      '---\ntitle: Refund policy\ntags: [billing, refunds]\nlanguage: EN\nowner: billing\nstatus: draft\n---\n# Refund policy\n\nRefunds take 5 days.\n',
    );
    expect(article).toMatchObject({ id: 'refunds', title: 'Refund policy', tags: ['billing', 'refunds'], language: 'en', status: 'draft', owner: 'billing' });
    expect(article.body).toBe('Refunds take 5 days.');
  });

  it('falls back to the heading, the file name and published', () => {
    const article = parseDocument('dir/Late Fees.md', '# Late fees explained\nA fee after 10 days.');
    expect(article).toMatchObject({ id: 'late-fees', title: 'Late fees explained', status: 'published', language: 'en' });
  });

  it('strips HTML to text, without scripts, with entities decoded', () => {
    const article = parseDocument('a.html', '<html><head><title>Outages</title><script>alert(1)</script></head><body><h1>Outages</h1><p>Check the map &amp; wait.</p><ul><li>One</li></ul></body></html>');
    expect(article.title).toBe('Outages');
    expect(article.body).toContain('Check the map & wait.');
    expect(article.body).not.toContain('alert');
    expect(htmlToText('<p>a<br>b</p>').text).toBe('a\nb');
  });

  it('uses the first line of a text file as the title', () => {
    expect(parseDocument('x.txt', 'Roaming\nZone 1 is free.')).toMatchObject({ title: 'Roaming', body: 'Zone 1 is free.' });
  });

  it('rejects an unknown status with a data_invalid error naming the file', () => {
    expect(() => parseDocument('bad.md', '---\nstatus: live\n---\nx')).toThrow(/bad\.md: status "live"/);
  });

  it('keeps Chinese characters in slugs', () => {
    expect(slugify('退款 Policy!')).toBe('退款-policy');
  });
});
