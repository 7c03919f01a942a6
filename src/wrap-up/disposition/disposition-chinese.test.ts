import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../stores/database.js';
import { migrate } from '../../stores/migrate.js';
import { openDatabase } from '../../stores/open-database.js';
import { buildConversation, buildTranscript } from '../test-transcript.js';
import { mandarinBillingCall } from '../mandarin-test-calls.js';
import type { ConversationItem } from '../../conversations/types.js';
import { parseDispositionCodeSet } from './code-set.js';
import { createDispositionFinalizer, type DispositionResult } from './disposition-finalizer.js';
import { createDispositionService } from './disposition-service.js';

const codeSet = parseDispositionCodeSet(
  await readFile(new URL('../../../knowledge/dispositions/default.yaml', import.meta.url), 'utf8'),
  'default.yaml',
);

describe('disposition codes for Mandarin calls', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('t1', 'T')`);
  });
  afterAll(async () => db.close());

  async function suggest(transcript: ConversationItem[]): Promise<DispositionResult> {
    const finalizer = createDispositionFinalizer(createDispositionService(db, codeSet));
    const output = await finalizer.finalize({
      tenantId: 't1',
      conversation: buildConversation({ language: 'zh' }),
      transcript,
      previous: {},
      analyses: {},
      signal: new AbortController().signal,
    });
    return output!.result!;
  }

  it('suggests a refund for the double-charge call, not an account change', async () => {
    expect((await suggest(mandarinBillingCall)).suggested).toBe('refund_issued');
  });

  it('tells the Chinese codes apart from the code set alone', async () => {
    const calls: Record<string, string> = {
      cancellation_request: '我想取消服务，把这个账户注销掉，以后不用了。',
      account_update: '我搬家了，想修改一下账户上的收货地址和手机号。',
      account_access: '我忘记密码了，账号登录不上去，被锁住了。',
      order_status: '我的快递到哪里了？订单显示已发货但是一直没收到。',
      technical_support: '你们的应用一打开就闪退，网络也经常断线。',
      plan_change: '我想把套餐升级成高级会员，改成按年付费。',
    };
    for (const [code, text] of Object.entries(calls))
      expect({
        text,
        code: (await suggest(buildTranscript([['customer', text]]))).suggested,
      }).toEqual({ text, code });
  });
});
