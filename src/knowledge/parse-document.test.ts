import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  htmlToText,
  parseDocument,
  parsePdfDocument,
  readDocumentFile,
  slugify,
} from './parse-document.js';
import { openDatabase } from '../stores/open-database.js';
import { migrate } from '../stores/migrate.js';
import { createJiebaWordSplitter } from '../providers/jieba/jieba-word-splitter.js';
import { extractPdfText } from '../providers/unpdf/extract-pdf-text.js';
import { ingestPath } from './ingest.js';
import { searchKnowledge } from './search.js';

/** A run of text drawn at (x, y) in points from the page's bottom-left; 12 pt type. */
type Run = { x: number; y: number; text: string };

/**
 * Writes a small valid PDF by hand, as a PDF producer would: Helvetica for ASCII, and for other
 * text a Type0 font (Identity-H, two-byte codes = Unicode code points) whose ToUnicode map lets
 * a reader recover the characters: no font file needed, as in many CJK PDFs.
 */
function buildPdf(
  pages: Run[][],
  info: { title?: string; lang?: string; withoutFontDescriptor?: boolean } = {},
): Uint8Array {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body);
  const bytes = (text: string) => Buffer.byteLength(text, 'latin1');
  const stream = (content: string) =>
    `<< /Length ${bytes(content)} >>\nstream\n${content}\nendstream`;
  add(''); // 1: catalog, filled in below
  add(''); // 2: page tree
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'); // 3
  const toUnicode = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    '1 beginbfrange <0000> <FFFF> <0000> endbfrange',
    'endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  add(stream(toUnicode)); // 4
  // A CIDFont must have a font descriptor (PDF 32000-1, table 117), even with no font file in it.
  add(
    `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 ${info.withoutFontDescriptor ? '' : '/FontDescriptor 7 0 R '}` +
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>',
  ); // 5
  add(
    '<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H ' +
      '/DescendantFonts [5 0 R] /ToUnicode 4 0 R >>',
  ); // 6
  add(
    '<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [0 -141 1000 859] ' +
      '/ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>',
  ); // 7
  const kids: number[] = [];
  for (const runs of pages) {
    const content = runs
      .map(({ x, y, text }) =>
        /^[\x20-\x7e]*$/.test(text)
          ? `BT /F1 12 Tf ${x} ${y} Td (${text.replace(/[\\()]/g, (c) => `\\${c}`)}) Tj ET`
          : `BT /F2 12 Tf ${x} ${y} Td <${[...text]
              .map((c) => c.codePointAt(0)!.toString(16).padStart(4, '0'))
              .join('')}> Tj ET`,
      )
      .join('\n');
    add(stream(content));
    const contentId = objects.length;
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] ` +
        `/Resources << /Font << /F1 3 0 R /F2 6 0 R >> >> /Contents ${contentId} 0 R >>`,
    );
    kids.push(objects.length);
  }
  objects[0] = `<< /Type /Catalog /Pages 2 0 R${info.lang ? ` /Lang (${info.lang})` : ''} >>`;
  objects[1] = `<< /Type /Pages /Kids [${kids.map((id) => `${id} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  if (info.title) add(`<< /Title (${info.title}) /Producer (cuecard tests) >>`);
  let pdf = '%PDF-1.7\n';
  const offsets = objects.map((body, index) => {
    const offset = bytes(pdf);
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = bytes(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R`;
  pdf += `${info.title ? ` /Info ${objects.length} 0 R` : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(pdf, 'latin1'));
}

const roamingGuide = buildPdf(
  [
    [
      { x: 72, y: 740, text: 'Roaming charges abroad' },
      { x: 72, y: 700, text: 'A travel pass costs 8 dollars per day.' },
      // One line drawn in two pieces, as justified text often is.
      { x: 72, y: 686, text: 'Data roaming must be' },
      { x: 196, y: 686, text: 'turned on in settings.' },
      { x: 72, y: 640, text: 'Zone 1 countries are included at no cost.' },
    ],
    [{ x: 72, y: 740, text: 'Call 611 if the pass does not start within an hour.' }],
  ],
  { title: 'Roaming guide' },
);

const chineseRefunds = buildPdf(
  [
    [
      { x: 72, y: 740, text: '退款政策' },
      { x: 72, y: 700, text: '重复付款的金额会全额退款。' },
      { x: 72, y: 686, text: '银行卡退款三至五个工作日到账。' },
    ],
  ],
  { lang: 'zh-CN' },
);

describe('parseDocument', () => {
  it('reads YAML front matter and drops the heading that repeats the title', () => {
    const article = parseDocument(
      'refunds.md',
      '---\ntitle: Refund policy\ntags: [billing, refunds]\nlanguage: EN\nowner: billing\nstatus: draft\n---\n# Refund policy\n\nRefunds take 5 days.\n',
    );
    expect(article).toMatchObject({
      id: 'refunds',
      title: 'Refund policy',
      tags: ['billing', 'refunds'],
      language: 'en',
      status: 'draft',
      owner: 'billing',
    });
    expect(article.body).toBe('Refunds take 5 days.');
  });

  it('falls back to the heading, the file name and published', () => {
    const article = parseDocument(
      'dir/Late Fees.md',
      '# Late fees explained\nA fee after 10 days.',
    );
    expect(article).toMatchObject({
      id: 'late-fees',
      title: 'Late fees explained',
      status: 'published',
      language: 'en',
    });
  });

  it('strips HTML to text, without scripts, with entities decoded', () => {
    const article = parseDocument(
      'a.html',
      '<html><head><title>Outages</title><script>alert(1)</script></head><body><h1>Outages</h1><p>Check the map &amp; wait.</p><ul><li>One</li></ul></body></html>',
    );
    expect(article.title).toBe('Outages');
    expect(article.body).toContain('Check the map & wait.');
    expect(article.body).not.toContain('alert');
    expect(htmlToText('<p>a<br>b</p>').text).toBe('a\nb');
  });

  it('uses the first line of a text file as the title', () => {
    expect(parseDocument('x.txt', 'Roaming\nZone 1 is free.')).toMatchObject({
      title: 'Roaming',
      body: 'Zone 1 is free.',
    });
  });

  it('rejects an unknown status with a data_invalid error naming the file', () => {
    expect(() => parseDocument('bad.md', '---\nstatus: live\n---\nx')).toThrow(
      /bad\.md: status "live"/,
    );
  });

  it('keeps Chinese characters in slugs', () => {
    expect(slugify('退款 Policy!')).toBe('退款-policy');
  });
});

/**
 * A producer that leaves out the CIDFont's required font descriptor: PDF.js then reads the
 * two-byte codes as single bytes, among them NUL and other control characters.
 */
const unreadableChinese = buildPdf(
  [
    [
      { x: 72, y: 740, text: 'Refund policy' },
      { x: 72, y: 700, text: '退款政策' },
    ],
  ],
  { withoutFontDescriptor: true },
);

describe('documents with control characters', () => {
  it('are stored without NUL or other control characters, tabs and line breaks kept', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cuecard-nul-'));
    const db = await openDatabase({});
    try {
      await writeFile(path.join(dir, 'refunds.pdf'), unreadableChinese);
      await writeFile(
        path.join(dir, 'notes.txt'),
        'Late fees\u0000\nA fee\u0007 after\t10 days.\r\n退款\u0000三天到账。\n',
      );
      // Else the test proves nothing: PDF.js does read NUL out of this PDF.
      expect((await extractPdfText(unreadableChinese)).pages.join('')).toContain('\u0000');
      const pdf = await readDocumentFile(path.join(dir, 'refunds.pdf'));
      // eslint-disable-next-line no-control-regex -- control characters are what is checked
      expect(pdf.body).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
      expect(pdf.title).toBe('Refund policy');
      expect(await readDocumentFile(path.join(dir, 'notes.txt'))).toMatchObject({
        title: 'Late fees',
        body: 'A fee after\t10 days.\n退款三天到账。',
      });
      await migrate(db);
      await db.query(`INSERT INTO tenants (id, name) VALUES ('t1', 'Test')`);
      const deps = { db, embedder: null, splitter: createJiebaWordSplitter() };
      expect(await ingestPath(deps, 't1', dir)).toMatchObject({ added: 2 });
      const [notes] = await searchKnowledge(deps, { tenantId: 't1', query: '退款到账', limit: 1 });
      expect(notes).toMatchObject({ articleId: 'notes', title: 'Late fees' });
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('PDF documents', () => {
  it('extracts the text layer in reading order, paragraphs and page breaks kept, title from metadata', async () => {
    const article = await parsePdfDocument('docs/Roaming Guide.pdf', roamingGuide);
    expect(article).toMatchObject({
      id: 'roaming-guide',
      title: 'Roaming guide',
      language: 'en',
      status: 'published',
    });
    expect(article.body).toBe(
      [
        'Roaming charges abroad',
        '',
        'A travel pass costs 8 dollars per day.',
        'Data roaming must be turned on in settings.',
        '',
        'Zone 1 countries are included at no cost.',
        '',
        'Call 611 if the pass does not start within an hour.',
      ].join('\n'),
    );
  });

  it("reads Chinese through the font's Unicode map; the first line is the title without metadata", async () => {
    const article = await parsePdfDocument('zh-refunds.pdf', chineseRefunds);
    expect(article).toMatchObject({ title: '退款政策', language: 'zh' });
    expect(article.body).toBe('重复付款的金额会全额退款。\n银行卡退款三至五个工作日到账。');
  });

  it('rejects a file that is not a PDF, or one without text, with data_invalid naming the file', async () => {
    await expect(
      parsePdfDocument('broken.pdf', new TextEncoder().encode('hello, not a pdf')),
    ).rejects.toMatchObject({
      code: 'data_invalid',
      message: expect.stringContaining('broken.pdf'),
    });
    await expect(parsePdfDocument('scan.pdf', buildPdf([[]]))).rejects.toMatchObject({
      code: 'data_invalid',
      message: expect.stringMatching(/scan\.pdf: .*no text layer/),
    });
  });

  it('is ingested from a folder with the other formats and found by search', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cuecard-pdf-'));
    const db = await openDatabase({});
    try {
      await writeFile(path.join(dir, 'roaming.pdf'), roamingGuide);
      await writeFile(path.join(dir, 'refunds-zh.PDF'), chineseRefunds);
      await writeFile(path.join(dir, 'outage.md'), '# Outages\nOpen the outage map.\n');
      expect(await readDocumentFile(path.join(dir, 'roaming.pdf'))).toMatchObject({
        title: 'Roaming guide',
        source: path.join(dir, 'roaming.pdf'),
      });
      await migrate(db);
      await db.query(`INSERT INTO tenants (id, name) VALUES ('t1', 'Test')`);
      const deps = { db, embedder: null, splitter: createJiebaWordSplitter() };
      const report = await ingestPath(deps, 't1', dir);
      expect(report).toMatchObject({ added: 3 });

      const [roaming] = await searchKnowledge(deps, {
        tenantId: 't1',
        query: 'how much is the travel pass per day',
        limit: 3,
      });
      expect(roaming).toMatchObject({ articleId: 'roaming', title: 'Roaming guide' });
      // Text from the second page is searchable too.
      const [secondPage] = await searchKnowledge(deps, {
        tenantId: 't1',
        query: 'call 611',
        limit: 1,
      });
      expect(secondPage?.articleId).toBe('roaming');
      const [chinese] = await searchKnowledge(deps, {
        tenantId: 't1',
        query: '银行卡退款',
        limit: 1,
      });
      expect(chinese).toMatchObject({ articleId: 'refunds-zh', language: 'zh' });
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
