import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { loadConfig } from '../config/config.js';
import { createDefaultCapabilities } from '../app/capabilities.js';
import { DEV_TENANT_ID } from '../app/dev-tenant.js';
import { loadKnowledgeBaseIfEmpty } from '../knowledge/ingest.js';
import { openDatabase } from '../stores/open-database.js';
import { migrate } from '../stores/migrate.js';
import { createFaultyDatabase } from '../stores/testing/faulty-database.js';
import { createTenantStore } from '../tenancy/tenant-store.js';
import { describeConformance, type ConformanceScript } from './testing/conformance.js';

/**
 * Every analyzer and finalizer the composition root lists, built as `npm start` builds them
 * (createDefaultCapabilities on a migrated database, the development tenant, the demo knowledge
 * base), goes through the one conformance suite. A stage added to capabilities.ts is covered
 * without touching this file.
 */

/** A billing dispute with an identity check, a cancel threat and a fix: most stages answer. */
const englishCall: ConformanceScript = {
  name: 'English billing call',
  channel: 'voice',
  language: 'en',
  customerId: 'cust-conformance-en',
  customerAttributes: { tenureMonths: 20, plan: 'Fiber 500', monthlyCharges: 59.99 },
  turns: [
    {
      speaker: 'agent',
      text: 'Thank you for calling Brightwave, my name is Sam. How can I help you today?',
    },
    {
      speaker: 'customer',
      text: 'Hi Sam, I was charged twice for my internet bill this month and I want the extra charge refunded.',
    },
    {
      speaker: 'agent',
      text: "I'm sorry about that. Before I look into it, could you confirm your email so I can verify your identity?",
    },
    { speaker: 'customer', text: "Sure, it's jordan.miles@example.com." },
    { action: 'verify-identity', data: { method: 'email' } },
    {
      speaker: 'agent',
      text: 'Thanks Jordan, you are verified. I can see two charges of $59.99 on March 2nd.',
    },
    {
      speaker: 'customer',
      text: "This is the third time this has happened. Honestly I'm thinking about cancelling and switching to another provider.",
    },
    {
      speaker: 'agent',
      text: "I understand. I've issued a refund for the duplicate charge, it will show in 5 to 7 business days. Is there anything else I can help with?",
    },
  ],
};

/** The same kind of request in Mandarin: jieba word splitting, the zh articles, zh playbook cues. */
const mandarinCall: ConformanceScript = {
  name: 'Mandarin refund call',
  channel: 'chat',
  language: 'zh',
  customerId: 'cust-conformance-zh',
  turns: [
    { speaker: 'customer', text: '你好，我这个月被多扣了一笔费用，想申请退款。' },
    {
      speaker: 'agent',
      text: '您好，很抱歉给您带来不便。请先核实您的身份，麻烦提供一下账户绑定的手机号。',
    },
    { speaker: 'customer', text: '好的，就是我平时用的那个号码。退款大概多久能到账？' },
    { speaker: 'agent', text: '已经为您提交退款，一般三到五个工作日内退回原付款方式。' },
  ],
};

const dataRoot = await mkdtemp(path.join(tmpdir(), 'cuecard-conformance-'));
const db = await openDatabase({});
await migrate(db);
const config = loadConfig({ CUECARD_DATA_DIR: path.join(dataRoot, 'data') });
// The stages run on a database that can be made to fail; until then it is the real one.
const faulty = createFaultyDatabase(db);
const capabilities = await createDefaultCapabilities(config, faulty.db);
await createTenantStore(db).createTenant({ id: DEV_TENANT_ID, name: 'Development tenant' });
await loadKnowledgeBaseIfEmpty(
  capabilities.knowledge,
  DEV_TENANT_ID,
  path.join(config.knowledgeDir, 'articles'),
);

afterAll(async () => {
  await capabilities.close();
  await db.close();
  await rm(dataRoot, { recursive: true, force: true });
});

describeConformance({
  db,
  tenantId: DEV_TENANT_ID,
  analyzers: capabilities.analyzers,
  finalizers: capabilities.finalizers,
  redact: capabilities.redact,
  conversations: [englishCall, mandarinCall],
  databaseFaults: faulty,
});
