/**
 * JSON with object keys sorted (recursively), so two values that are equal as data serialise to
 * the same text whatever order their keys were written in. Used for content hashes: a connector
 * that resends an action with the same `data` in another key order sends a duplicate, not a
 * conflicting item. Arrays keep their order (it is meaningful); `undefined` members are dropped as
 * JSON.stringify drops them, so the text is what a JSON round trip (e.g. jsonb) would keep.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  // Dates and other objects with toJSON serialise as JSON.stringify would have them.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  }
  return sorted;
}
