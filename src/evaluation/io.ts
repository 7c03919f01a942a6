import { createReadStream, createWriteStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { CuecardError } from '../errors/cuecard-error.js';
import { parseCsv } from '../text/csv.js';

/** A malformed input row: names the file, the line and the field, as the eval contract asks. */
export function dataError(
  file: string,
  line: number,
  field: string,
  problem: string,
): CuecardError {
  return new CuecardError('data_invalid', `${file}:${line}: field "${field}" ${problem}`, {
    field,
    details: { file, line },
  });
}

async function openText(file: string): Promise<Readable> {
  try {
    await access(file);
  } catch (error) {
    throw new CuecardError('data_invalid', `${file}: file not found`, { cause: error });
  }
  const raw = createReadStream(file);
  return file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

export interface Row {
  /** 1-based line number in the file. */
  line: number;
  value: Record<string, unknown>;
}

/** Reads JSON Lines (gzipped when the name ends in .gz); blank lines are skipped. */
export async function readJsonl(file: string): Promise<Row[]> {
  const lines = createInterface({ input: await openText(file), crlfDelay: Infinity });
  const rows: Row[] = [];
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new CuecardError(
        'data_invalid',
        `${file}:${line}: not valid JSON (${(error as Error).message})`,
        {
          cause: error,
        },
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CuecardError('data_invalid', `${file}:${line}: each line must be a JSON object`);
    }
    rows.push({ line, value: value as Record<string, unknown> });
  }
  return rows;
}

/** Reads a whole JSON document (gzipped when the name ends in .gz). */
export async function readJson(file: string): Promise<unknown> {
  const stream = await openText(file);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new CuecardError(
      'data_invalid',
      `${file}: not valid JSON (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
}

/** Minimal RFC 4180 CSV reader (quotes, escaped quotes, CRLF). First row is the header. */
export async function readCsv(file: string): Promise<{ header: string[]; rows: Row[] }> {
  const stream = await openText(file);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return parseCsv(Buffer.concat(chunks).toString('utf8'), file);
}

export function requireString(file: string, row: Row, field: string): string {
  const value = row.value[field];
  if (typeof value !== 'string') {
    throw dataError(file, row.line, field, value === undefined ? 'is missing' : 'must be a string');
  }
  return value;
}

/** Ids may be numbers in some files; they are compared as strings. */
export function requireId(file: string, row: Row, field = 'id'): string {
  const value = row.value[field];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw dataError(
    file,
    row.line,
    field,
    value === undefined ? 'is missing' : 'must be a non-empty string or number',
  );
}

export interface JsonlWriter {
  write(row: Record<string, unknown>): void;
  close(): Promise<void>;
}

export function writeJsonl(file: string): JsonlWriter {
  const out = createWriteStream(file);
  return {
    write(row) {
      out.write(`${JSON.stringify(row)}\n`);
    },
    close() {
      return new Promise((resolve, reject) => {
        out.end((error?: Error | null) => (error ? reject(error) : resolve()));
      });
    },
  };
}
