import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CuecardError } from '../errors/cuecard-error.js';
import { parseYamlDefinition, schemaDefinition } from '../text/yaml-definition.js';

export type ArticleStatus = 'draft' | 'published' | 'retired';
const statuses: readonly ArticleStatus[] = ['draft', 'published', 'retired'];

/** An article as authored, before it is stored. */
export interface ArticleInput {
  id: string;
  title: string;
  body: string;
  tags: string[];
  language: string;
  status: ArticleStatus;
  owner: string | null;
  /** Where it came from (a file path), for retiring articles whose file was removed. */
  source: string | null;
}

/** "Billing & Refunds: Late fees" → "billing-refunds-late-fees"; keeps CJK characters. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

const entities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** HTML to plain text: drops scripts/styles and tags, keeps block boundaries as new lines. */
export function htmlToText(html: string): { title: string | null; text: string } {
  const title =
    /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ??
    /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1] ??
    null;
  const text = html
    .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<(br|\/p|\/div|\/li|\/h[1-6]|\/tr)[^>]*>/gi, '\n')
    .replace(/<li[^>]*>/gi, '- ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#\d+|[a-z]+);/gi, (whole, name: string) =>
      name.startsWith('#')
        ? String.fromCodePoint(Number(name.slice(1)))
        : (entities[name.toLowerCase()] ?? whole),
    )
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { title: title ? htmlToText(title).text : null, text };
}

/**
 * Front matter is a mapping of loosely typed fields (`tags: a, b` or a list; `id: 42`), which
 * toArticle reads leniently; an empty block is no fields.
 */
const frontMatter = schemaDefinition(
  'metadata',
  z
    .record(z.string(), z.unknown(), {
      error: 'must be a YAML mapping (title, tags, language, owner, status, id)',
    })
    .nullable(),
);

function stringList(value: unknown): string[] {
  if (Array.isArray(value))
    return value.map((item) => storableText(String(item)).trim()).filter((item) => item !== '');
  if (typeof value === 'string')
    return storableText(value)
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  return [];
}

/** File extensions that ingest reads: PDF as bytes, the others as UTF-8 text. */
export const documentExtensions: ReadonlySet<string> = new Set([
  '.md',
  '.markdown',
  '.txt',
  '.html',
  '.htm',
  '.pdf',
]);

function baseNameOf(name: string): string {
  return name.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
}

/**
 * Control characters other than tab and line breaks, and unpaired UTF-16 surrogates. Extracted
 * text carries them when a PDF's font has no usable Unicode map (PDF.js then returns raw byte
 * codes, NUL among them) or a text file is not quite text; Postgres refuses NUL ("invalid byte
 * sequence for encoding UTF8: 0x00") and surrogates cannot be encoded. A REST or WebSocket client
 * is told to fix its input (safe-input.ts); a document is what it is, so they are dropped.
 */
const unstorable =
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` without what cannot be stored or displayed (see {@link unstorable}). */
export function storableText(text: string): string {
  return text.replace(unstorable, '');
}

/** The fields every format shares: id, status, tags… from front matter, else defaults. */
function toArticle(
  name: string,
  meta: Record<string, unknown>,
  title: string | null,
  body: string,
  source: string | null,
  defaultLanguage = 'en',
): ArticleInput {
  const baseName = storableText(baseNameOf(name));
  if (typeof meta.title === 'string' && meta.title.trim() !== '') title = meta.title.trim();
  title = storableText(title ?? '').trim() || baseName;
  body = storableText(body);

  const status = meta.status === undefined ? 'published' : String(meta.status).toLowerCase();
  if (!statuses.includes(status as ArticleStatus)) {
    throw new CuecardError(
      'data_invalid',
      `${name}: status "${status}" must be one of ${statuses.join(', ')}`,
      { field: 'status' },
    );
  }
  const id =
    typeof meta.id === 'string' || typeof meta.id === 'number'
      ? storableText(String(meta.id))
      : slugify(baseName) || slugify(title);
  if (id === '')
    throw new CuecardError(
      'data_invalid',
      `${name}: cannot derive an article id; add "id:" to the front matter`,
    );
  return {
    id,
    title,
    body: body.trim(),
    tags: stringList(meta.tags),
    language:
      typeof meta.language === 'string' && meta.language.trim() !== ''
        ? meta.language.trim().toLowerCase()
        : defaultLanguage,
    status: status as ArticleStatus,
    owner: typeof meta.owner === 'string' ? storableText(meta.owner) : null,
    source,
  };
}

/**
 * Parses one document. Markdown may start with YAML front matter (title, tags, language,
 * owner, status, id); HTML is stripped to text; anything else is plain text whose first line is
 * the title. `name` is the file name, the fallback id.
 */
export function parseDocument(
  name: string,
  content: string,
  source: string | null = null,
): ArticleInput {
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  let meta: Record<string, unknown> = {};
  let body = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let title: string | null = null;

  if (extension === 'html' || extension === 'htm') {
    const parsed = htmlToText(body);
    title = parsed.title;
    body = parsed.text;
  } else {
    const front = /^---\n([\s\S]*?)\n---\n?/.exec(body);
    if (front) {
      meta = parseYamlDefinition(front[1] ?? '', `${name} (front matter)`, frontMatter) ?? {};
      body = body.slice(front[0].length);
    }
    // A leading "# Heading" is the title when the front matter gives none.
    const heading = /^\s*#\s+(.+)\n/.exec(body);
    if (heading && (typeof meta.title !== 'string' || meta.title.trim() === heading[1]!.trim())) {
      title = heading[1]!.trim();
      body = body.slice(heading[0].length);
    } else if (extension === 'txt' && typeof meta.title !== 'string') {
      const firstLine = /^\s*(.+)\n/.exec(body);
      if (firstLine) {
        title = firstLine[1]!.trim();
        body = body.slice(firstLine[0].length);
      }
    }
  }
  return toArticle(name, meta, title, body, source);
}

/**
 * A PDF's language: the one it declares (`/Lang`), else Chinese or Japanese when their scripts
 * make up most of its letters (PDFs have no front matter to say so), else English.
 */
function pdfLanguage(declared: string | null, text: string): string {
  const base = declared?.toLowerCase().split(/[-_]/)[0];
  if (base && /^[a-z]{2,3}$/.test(base)) return base;
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const kana = text.match(/[\p{Script=Hiragana}\p{Script=Katakana}]/gu)?.length ?? 0;
  if (letters > 0 && (han + kana) / letters > 0.5) return kana > 0 ? 'ja' : 'zh';
  return 'en';
}

/**
 * Parses a PDF: its text layer in reading order, page breaks kept as paragraph breaks; the title
 * is the document's metadata title, else its first line. A PDF with no text (a scan) is an
 * error rather than an empty article: it needs OCR first.
 */
export async function parsePdfDocument(
  name: string,
  bytes: Uint8Array,
  source: string | null = null,
): Promise<ArticleInput> {
  // Loaded on demand: ingesting Markdown alone never loads PDF.js.
  const { extractPdfText } = await import('../providers/unpdf/extract-pdf-text.js');
  let pdf: Awaited<ReturnType<typeof extractPdfText>>;
  try {
    pdf = await extractPdfText(bytes);
  } catch (error) {
    throw new CuecardError(
      'data_invalid',
      `${name}: not a readable PDF (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
  let body = pdf.pages
    .map(storableText)
    .filter((page) => page.trim() !== '')
    .join('\n\n');
  if (body.trim() === '') {
    throw new CuecardError(
      'data_invalid',
      `${name}: the PDF has no text layer (a scanned image?); run it through OCR first`,
    );
  }
  let title = pdf.title === null ? null : storableText(pdf.title).trim() || null;
  if (title === null) {
    const firstLine = /^\s*(.+)(\n|$)/.exec(body);
    title = firstLine?.[1]?.trim() ?? null;
    if (firstLine) body = body.slice(firstLine[0].length);
  }
  return toArticle(name, {}, title, body, source, pdfLanguage(pdf.language, body));
}

/** Reads and parses one document file, choosing by extension how to read it. */
export async function readDocumentFile(file: string): Promise<ArticleInput> {
  if (/\.pdf$/i.test(file)) return parsePdfDocument(file, await readFile(file), file);
  return parseDocument(file, await readFile(file, 'utf8'), file);
}
