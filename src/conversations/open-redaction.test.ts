import { describe, expect, it } from 'vitest';
import { redactPii } from '../understanding/pii/redact.js';
import {
  customerPseudonym,
  defaultOpenRedactionPolicy,
  openRedactionPolicyOf,
  redactOpenFields,
  type OpenRedactionContext,
} from './open-redaction.js';

const context = (policy = defaultOpenRedactionPolicy): OpenRedactionContext => ({
  policy,
  pseudonymKey: 'secret\u0000salt',
  redactText: (text) => redactPii(text, { mode: 'mask' }).text,
});

describe('redaction of open fields', () => {
  it('redacts personal values of the free-form fields and keeps the rest as sent', async () => {
    const out = await redactOpenFields(
      'acme',
      {
        customerId: 'jane@example.com',
        customerAttributes: {
          phone: '+1 415 555 0142',
          tier: 'gold',
          visits: 3,
          mobile: 4155550142,
          // A camelCase key is read as words: "account number" is the context of a bare number.
          accountNumber: '12345678',
        },
        metadata: { card: '4111 1111 1111 1111', tags: ['vip', 'mail jane@example.com'] },
      },
      context(),
    );
    expect(out.customerAttributes).toEqual({
      phone: '[PHONE]',
      tier: 'gold',
      visits: 3,
      mobile: '[PHONE]',
      accountNumber: '[BANK_ACCOUNT]',
    });
    expect(out.metadata).toEqual({ card: '[CARD_NUMBER]', tags: ['vip', 'mail [EMAIL]'] });
    // Kept by default: repeat-contact detection links calls by it.
    expect(out.customerId).toBe('jane@example.com');
  });

  it('pseudonymizes customer ids stably per tenant and key when asked', async () => {
    const policy = { fields: [], pseudonymizeCustomerIds: true };
    const first = await redactOpenFields(
      'acme',
      { customerId: 'jane@example.com' },
      context(policy),
    );
    const again = await redactOpenFields(
      'acme',
      { customerId: 'jane@example.com' },
      context(policy),
    );
    expect(first.customerId).toMatch(/^cust_[0-9a-f]{32}$/);
    expect(again.customerId).toBe(first.customerId);
    expect(customerPseudonym('secret\u0000salt', 'globex', 'jane@example.com')).not.toBe(
      first.customerId,
    );
    expect(customerPseudonym('other\u0000salt', 'acme', 'jane@example.com')).not.toBe(
      first.customerId,
    );
  });

  it('reads the tenant policy defensively', () => {
    expect(openRedactionPolicyOf({})).toEqual(defaultOpenRedactionPolicy);
    expect(openRedactionPolicyOf({ redactOpenFields: ['metadata', 'bogus'] })).toEqual({
      fields: ['metadata'],
      pseudonymizeCustomerIds: false,
    });
    expect(openRedactionPolicyOf({ redactOpenFields: 'all', redactCustomerIds: 'yes' })).toEqual(
      defaultOpenRedactionPolicy,
    );
    expect(openRedactionPolicyOf({ redactOpenFields: [], redactCustomerIds: true })).toEqual({
      fields: [],
      pseudonymizeCustomerIds: true,
    });
  });
});
