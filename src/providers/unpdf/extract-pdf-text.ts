import { extractTextItems, getDocumentProxy, getMeta } from 'unpdf';

/** What ingest needs from a PDF, with no PDF.js type leaking out. */
export interface PdfText {
  /** The document's own title (metadata), when it has a meaningful one. */
  title: string | null;
  /** The document's declared language (`/Lang`, e.g. `zh-CN`), when it has one. */
  language: string | null;
  /** One text per page: lines end with `\n`, paragraphs are separated by a blank line. */
  pages: string[];
}

interface TextItem {
  str: string;
  x: number;
  y: number;
  width: number;
  fontSize: number;
  hasEOL: boolean;
}

const cjk = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;

/**
 * Rebuilds one page's text from positioned items, in content-stream order: that is the order
 * the producer wrote (reading order for word processors, LaTeX and browsers), and unlike sorting
 * by position it does not interleave the lines of two columns. A move down by more than about
 * one and a half lines, or back up (a new column), starts a new paragraph.
 */
function pageText(items: readonly TextItem[]): string {
  const paragraphs: string[][] = [];
  let lines: string[] = [];
  let line = '';
  let previous: TextItem | undefined;
  let lineBreak = false;
  const endLine = () => {
    if (line.trim() !== '') lines.push(line.replace(/\s+/g, ' ').trim());
    line = '';
  };
  const endParagraph = () => {
    endLine();
    if (lines.length > 0) paragraphs.push(lines);
    lines = [];
  };

  for (const item of items) {
    if (item.str === '') {
      // PDF.js marks line ends with empty items.
      if (item.hasEOL) lineBreak = true;
      continue;
    }
    if (previous) {
      const size = Math.max(previous.fontSize, item.fontSize, 1);
      const drop = previous.y - item.y;
      const sameBaseline = Math.abs(drop) < size * 0.5;
      if (!sameBaseline || lineBreak) {
        if (drop > size * 1.6 || drop < -size * 0.5) endParagraph();
        else endLine();
      } else if (line !== '') {
        // Same line: a visible gap is a space, except between CJK characters, which use none.
        const gap = item.x - (previous.x + previous.width);
        const joinsCjk = cjk.test(line.slice(-1)) && cjk.test(item.str.charAt(0));
        if (gap > size * 0.15 && !joinsCjk && !/\s$/.test(line) && !/^\s/.test(item.str))
          line += ' ';
      }
    }
    line += item.str;
    lineBreak = item.hasEOL;
    previous = item;
  }
  endParagraph();
  return paragraphs.map((paragraph) => paragraph.join('\n')).join('\n\n');
}

/** Producers often store a file name or a placeholder as the title; those are not titles. */
function meaningfulTitle(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const title = value.replace(/\s+/g, ' ').trim();
  if (title === '' || /^(untitled|microsoft word - .*|.*\.(docx?|pdf|odt|rtf|txt))$/i.test(title))
    return null;
  return title;
}

/**
 * Text of a PDF (its text layer only: a scanned image has none). The PDF.js build inside unpdf
 * is pure JavaScript with no `eval` and no worker, so it runs offline in this process.
 */
export async function extractPdfText(bytes: Uint8Array): Promise<PdfText> {
  // PDF.js takes ownership of (detaches) the buffer it is given: hand it a copy.
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  try {
    const [{ items }, meta] = await Promise.all([extractTextItems(pdf), getMeta(pdf)]);
    const info = meta.info as Record<string, unknown>;
    const language =
      typeof info.Language === 'string' && info.Language.trim() !== ''
        ? info.Language.trim()
        : null;
    // XMP metadata is optional: unpdf gives `{}` when the file has none.
    const xmp = meta.metadata as { get?: (name: string) => unknown };
    const xmpTitle = typeof xmp.get === 'function' ? xmp.get('dc:title') : null;
    return {
      title: meaningfulTitle(info.Title) ?? meaningfulTitle(xmpTitle),
      language,
      pages: items.map((page) => pageText(page)),
    };
  } finally {
    await pdf.loadingTask.destroy();
  }
}
