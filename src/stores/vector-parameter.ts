import { toSql } from 'pgvector';

/**
 * A vector as a query parameter, in pgvector's text form (pgvector-node's `toSql`). The
 * Database interface sends parameters as text; 6 significant digits keep cosine rankings intact
 * while making each vector ~40 % cheaper to parse in WASM (embedded PGlite). Non-finite
 * components, which Postgres refuses, become 0.
 */
export function vectorParameter(vector: Float32Array | readonly number[]): string {
  return toSql(
    Array.from(vector, (value) => (Number.isFinite(value) ? Number(value.toPrecision(6)) : 0)),
  ) as string;
}
