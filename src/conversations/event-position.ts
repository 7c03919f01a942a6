/**
 * Where an event stands in the delivery order: its writing transaction (`tx`, a Postgres xid8,
 * kept as decimal text because it is 64 bits wide) and its row id. Positions follow commit order;
 * ids alone do not (docs: README, "/ws/subscribe").
 */
export interface EventPosition {
  tx: string;
  id: number;
}

/** Before every event: a subscription from here replays the whole log. */
export const START_POSITION: EventPosition = { tx: '0', id: 0 };

// Fixed width, so that positions compare as plain strings in every client language.
const TX_DIGITS = 20;
const ID_DIGITS = 20;
const TOKEN = /^(\d{20})\.(\d{20})$/;

/** The wire form: `<tx>.<id>`, zero-padded, ordered as strings in delivery order. */
export function formatPosition(position: EventPosition): string {
  return `${position.tx.padStart(TX_DIGITS, '0')}.${String(position.id).padStart(ID_DIGITS, '0')}`;
}

/** The position in a token from `formatPosition`; null when it is not one. */
export function parsePosition(token: string): EventPosition | null {
  const match = TOKEN.exec(token);
  if (!match) return null;
  const id = Number(match[2]);
  if (!Number.isSafeInteger(id)) return null;
  return { tx: BigInt(match[1]!).toString(), id };
}

/** Negative, zero or positive as `a` comes before, at or after `b`. */
export function comparePositions(a: EventPosition, b: EventPosition): number {
  const ta = BigInt(a.tx);
  const tb = BigInt(b.tx);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id - b.id;
}
