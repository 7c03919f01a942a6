import { createHmac } from 'node:crypto';

/**
 * Personal data in a conversation's `open` message (issue 17): connectors put the customer's
 * e-mail in `customerId`, a phone in `customerAttributes`, a card in `metadata`. Those fields
 * are stored on the conversation and broadcast in `conversation-start`, so they are redacted
 * before either, per tenant.
 */

/** The fields of `open` that can carry personal data. */
export interface OpenPersonalData {
  customerId?: string | undefined;
  customerAttributes?: Record<string, unknown> | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/** The free-form fields whose values a tenant may have redacted. */
export const redactableOpenFields = ['customerAttributes', 'metadata'] as const;
export type RedactableOpenField = (typeof redactableOpenFields)[number];

export interface OpenRedactionPolicy {
  /** Free-form fields whose string (and long numeric) values go through the PII redactor. */
  fields: readonly RedactableOpenField[];
  /**
   * Replace `customerId` by a stable pseudonym: the same customer gets the same one on every
   * contact, so repeat-contact detection and the customer history still link their calls.
   */
  pseudonymizeCustomerIds: boolean;
}

/** Without tenant settings: free-form values redacted, customer ids kept (repeat contact needs them). */
export const defaultOpenRedactionPolicy: OpenRedactionPolicy = {
  fields: redactableOpenFields,
  pseudonymizeCustomerIds: false,
};

/** What `open` needs per tenant: its policy and the key of its customer pseudonyms. */
export interface OpenRedactionContext {
  policy: OpenRedactionPolicy;
  /** HMAC key; only pseudonyms made with the same key match. */
  pseudonymKey: string;
  redactText(text: string): Promise<string> | string;
}

export interface OpenRedactor {
  /** The `open` fields as they may be stored and broadcast. */
  redact(tenantId: string, fields: OpenPersonalData): Promise<OpenPersonalData>;
  /**
   * A customer id as the conversations store it: its pseudonym when the tenant's option is on,
   * so a lookup by the real id (customer history) finds the customer's conversations.
   */
  storedCustomerId(tenantId: string, customerId: string): Promise<string>;
}

/** A stable, keyed pseudonym of a customer id: not reversible without the key. */
export function customerPseudonym(key: string, tenantId: string, customerId: string): string {
  const digest = createHmac('sha256', key).update(`${tenantId}\u0000${customerId}`).digest('hex');
  return `cust_${digest.slice(0, 32)}`;
}

/** Numbers of this many digits can be a phone, card or account number; shorter ones are kept. */
const minPersonalDigits = 6;
/** Nesting past which a value is redacted as its JSON text (the edge already limits depth to 8). */
const maxNesting = 8;

/**
 * Redacts one value of a free-form field. A string is read after its key, so the key gives a bare
 * number its context ("phone 4155550100"); a long integer is redacted as text (and becomes text
 * only if redaction changed it).
 */
async function redactValue(
  redactText: OpenRedactionContext['redactText'],
  value: unknown,
  key: string,
  depth: number,
): Promise<unknown> {
  if (typeof value === 'number') {
    if (Math.abs(Math.trunc(value)).toString().length < minPersonalDigits) return value;
    const text = String(value);
    const redacted = await redactKeyed(redactText, text, key);
    return redacted === text ? value : redacted;
  }
  if (typeof value === 'string') return redactKeyed(redactText, value, key);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxNesting) return redactText(JSON.stringify(value));
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) items.push(await redactValue(redactText, item, key, depth + 1));
    return items;
  }
  const entries: Array<[string, unknown]> = [];
  for (const [name, item] of Object.entries(value)) {
    entries.push([name, await redactValue(redactText, item, name, depth + 1)]);
  }
  return Object.fromEntries(entries);
}

/** A key as words ("accountNumber", "account_number" → "account number"), the redactor's context. */
function keyAsWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .toLowerCase();
}

async function redactKeyed(
  redactText: OpenRedactionContext['redactText'],
  text: string,
  key: string,
): Promise<string> {
  const prefix = `${keyAsWords(key)} `;
  const withKey = await redactText(prefix + text);
  // The key is not personal data; should redaction have touched it, redact the value alone.
  return withKey.startsWith(prefix) ? withKey.slice(prefix.length) : redactText(text);
}

/** The `open` fields with the context's policy applied. */
export async function redactOpenFields(
  tenantId: string,
  fields: OpenPersonalData,
  context: OpenRedactionContext,
): Promise<OpenPersonalData> {
  const out: OpenPersonalData = { ...fields };
  for (const name of context.policy.fields) {
    const value = fields[name];
    if (value) {
      out[name] = (await redactValue(context.redactText, value, name, 0)) as Record<
        string,
        unknown
      >;
    }
  }
  if (fields.customerId !== undefined && context.policy.pseudonymizeCustomerIds) {
    out.customerId = customerPseudonym(context.pseudonymKey, tenantId, fields.customerId);
  }
  return out;
}

/** An {@link OpenRedactor} over a per-tenant context (the composition root reads the settings). */
export function createOpenRedactor(
  contextOf: (tenantId: string) => Promise<OpenRedactionContext> | OpenRedactionContext,
): OpenRedactor {
  return {
    async redact(tenantId, fields) {
      return redactOpenFields(tenantId, fields, await contextOf(tenantId));
    },
    async storedCustomerId(tenantId, customerId) {
      const context = await contextOf(tenantId);
      return context.policy.pseudonymizeCustomerIds
        ? customerPseudonym(context.pseudonymKey, tenantId, customerId)
        : customerId;
    },
  };
}

/**
 * The policy in a tenant's settings, read defensively (settings are JSON an operator wrote):
 * `redactOpenFields` lists the free-form fields to redact (default both; `[]` none), and
 * `redactCustomerIds: true` turns on pseudonyms.
 */
export function openRedactionPolicyOf(settings: Record<string, unknown>): OpenRedactionPolicy {
  const listed = settings['redactOpenFields'];
  const fields = Array.isArray(listed)
    ? redactableOpenFields.filter((field) => listed.includes(field))
    : defaultOpenRedactionPolicy.fields;
  return { fields, pseudonymizeCustomerIds: settings['redactCustomerIds'] === true };
}
