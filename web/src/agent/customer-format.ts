/** Attribute names agents know by another word than the connector's key. */
const LABELS: Record<string, string> = {
  tenureMonths: 'Customer for',
  monthlyCharges: 'Monthly charges',
  ltv: 'Lifetime value',
  vip: 'VIP',
};

/** "tenureMonths" → "Tenure months", "plan_tier" → "Plan tier"; Chinese keys stay as they are. */
export function attributeLabel(key: string): string {
  const known = LABELS[key];
  if (known) return known;
  const spaced = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_.]+/g, ' ')
    .trim()
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** An attribute's value as text: never JSON, nested values as "name: value" pairs. */
export function attributeValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') {
    if (key === 'tenureMonths') return value === 1 ? '1 month' : `${value} months`;
    return value.toLocaleString();
  }
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((entry) => attributeValue('', entry)).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([name, entry]) => `${attributeLabel(name)}: ${attributeValue(name, entry)}`)
      .join('; ');
  }
  return String(value);
}
