/**
 * Turns an action item sent by the connector ("issue-refund", { amount: 24.99, currency: "USD" })
 * into a line a supervisor can read ("Issue refund: $24.99"). Action names and data shapes are
 * the connector's own, so nothing here knows particular actions: names are split into words and
 * data is rendered by its shape (money, counted units, short key: value details).
 */

const amountKeys = ['amount', 'total', 'value', 'sum'];
const currencyKeys = ['currency', 'currencycode', 'currency_code'];
const maxDetails = 3;
const maxValueLength = 40;

/** "issue-refund", "issue_refund", "issueRefund" → "issue refund". */
export function actionWords(name: string): string[] {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .split(/[\s_\-./:]+/)
    .map((word) => word.toLowerCase())
    .filter((word) => word !== '');
}

function keyOf(data: Record<string, unknown>, names: readonly string[]): string | undefined {
  return Object.keys(data).find((key) => names.includes(key.toLowerCase()));
}

function money(amount: number, currency: unknown): string {
  if (typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency: currency.toUpperCase(),
      }).format(amount);
    } catch {
      // An unknown code is still worth showing as the connector sent it.
    }
  }
  return typeof currency === 'string' && currency.trim() !== ''
    ? `${amount} ${currency.trim()}`
    : String(amount);
}

/** "months" with 1 → "1 month"; only keys that read as a plural unit get this form. */
function countedUnit(key: string, count: number): string | null {
  const word = actionWords(key).join(' ');
  if (!/[a-z]s$/.test(word) || /(ss|us|is)$/.test(word)) return null;
  if (count !== 1) return `${count} ${word}`;
  return `${count} ${word.endsWith('ies') ? `${word.slice(0, -3)}y` : word.slice(0, -1)}`;
}

/** A one-line description of an action item, e.g. "Issue refund: $24.99" or "Verify identity (method: email)". */
export function describeActionItem(action: string, data: Record<string, unknown>): string {
  const words = actionWords(action);
  const name = words.length > 0 ? words.join(' ') : 'action';
  const quantities: string[] = [];
  const details: string[] = [];
  const amountKey = keyOf(data, amountKeys);
  const currencyKey = keyOf(data, currencyKeys);
  const amount = amountKey === undefined ? undefined : data[amountKey];
  const used = new Set<string>();
  if (typeof amount === 'number' && Number.isFinite(amount)) {
    quantities.push(money(amount, currencyKey === undefined ? undefined : data[currencyKey]));
    used.add(amountKey!);
    if (currencyKey !== undefined) used.add(currencyKey);
  }
  for (const [key, value] of Object.entries(data)) {
    if (used.has(key)) continue;
    if (typeof value === 'number' && Number.isFinite(value)) {
      const counted = countedUnit(key, value);
      if (counted !== null) {
        quantities.push(counted);
        continue;
      }
    }
    // Nested objects and long text are the connector's bookkeeping, not something to read.
    if (
      (typeof value === 'string' && value.trim() !== '' && value.length <= maxValueLength) ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      typeof value === 'boolean'
    ) {
      const shown = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value).trim();
      if (details.length < maxDetails) details.push(`${actionWords(key).join(' ')}: ${shown}`);
    }
  }
  const head = name.charAt(0).toUpperCase() + name.slice(1);
  return `${head}${quantities.length > 0 ? `: ${quantities.join(', ')}` : ''}${
    details.length > 0 ? ` (${details.join(', ')})` : ''
  }`;
}
