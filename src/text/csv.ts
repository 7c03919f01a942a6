import { CuecardError } from '../errors/cuecard-error.js';

export interface CsvRow {
  /** 1-based line number in the source. */
  line: number;
  value: Record<string, string | undefined>;
}

/**
 * RFC 4180 CSV (quotes, escaped quotes, CRLF); the first row is the header. Errors name the
 * source, the line and the column.
 */
export function parseCsv(text: string, source: string): { header: string[]; rows: CsvRow[] } {
  const clean = text.replace(/^\uFEFF/, '');
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < clean.length; i++) {
    const char = clean[i]!;
    if (quoted) {
      if (char === '"' && clean[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && clean[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0] === ''));
  const header = nonEmpty[0];
  if (!header)
    throw new CuecardError('data_invalid', `${source}: empty CSV, a header row is required`);
  const rows = nonEmpty.slice(1).map((cells, index) => {
    if (cells.length !== header.length) {
      const column = header[Math.min(cells.length, header.length - 1)] ?? '?';
      throw new CuecardError(
        'data_invalid',
        `${source}:${index + 2}: field "${column}" row has ${cells.length} cells, header has ${header.length}`,
        {
          field: column,
          details: { line: index + 2 },
        },
      );
    }
    return {
      line: index + 2,
      value: Object.fromEntries(header.map((name, c) => [name, cells[c]])),
    };
  });
  return { header, rows };
}
