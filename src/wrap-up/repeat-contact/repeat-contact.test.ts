import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../stores/database.js';
import { migrate } from '../../stores/migrate.js';
import { openDatabase } from '../../stores/open-database.js';
import { buildConversation, buildTranscript } from '../test-transcript.js';
import {
  createRepeatContactFinalizer,
  type RepeatContactResult,
} from './repeat-contact-finalizer.js';

const day = 86_400_000;
const firstCallAt = Date.parse('2026-12-01T09:00:00Z');

describe('repeat contacts of a Mandarin caller', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('t1', 'T')`);
  });
  afterAll(async () => db.close());

  /** Stores an ended call of customer `customerId` and runs the finalizer on it. */
  async function call(
    id: string,
    customerId: string,
    at: number,
    turns: Parameters<typeof buildTranscript>[0],
    suggested: string,
  ): Promise<RepeatContactResult> {
    const startedAt = new Date(at).toISOString();
    await db.query(
      `INSERT INTO conversations (id, tenant_id, external_id, channel, language, customer_id, status, started_at, ended_at)
       VALUES ($1, 't1', $1, 'voice', 'zh', $2, 'ended', $3, $3)`,
      [id, customerId, startedAt],
    );
    const output = await createRepeatContactFinalizer(db, () => 72).finalize({
      tenantId: 't1',
      conversation: buildConversation({ id, customerId, language: 'zh', startedAt }),
      transcript: buildTranscript(turns),
      previous: { disposition: { suggested, confidence: 0.5, alternatives: [] } },
      analyses: {},
      signal: new AbortController().signal,
    });
    return output!.result!;
  }

  it('flags a second call about the same double charge days later, with a Chinese topic of meaningful words', async () => {
    const first = await call(
      'zr-1',
      'cust-zr',
      firstCallAt,
      [
        ['customer', '我这个月的话费被重复扣费了，同一笔扣了两次，如果不退我就投诉。'],
        ['agent', '我查到确实是重复扣费，多扣的钱已经为您申请退款。'],
      ],
      'refund_issued',
    );
    expect(first.repeatContact).toBe(false);
    expect(first.topicLabel).toMatch(/重复|扣费/);

    const again = await call(
      'zr-2',
      'cust-zr',
      firstCallAt + 2 * day,
      [
        ['customer', '你好，上周说重复扣费的钱会退回来，到现在还没到账。'],
        ['agent', '您好，我帮您查一下重复扣费那笔退款的进度。'],
      ],
      // The classifier names it differently this time; the words still say it is the same matter.
      'billing_question',
    );
    expect(again.repeatContact).toBe(true);
    expect(again.repeats).toMatchObject({ conversationId: 'zr-1', hoursBefore: 48 });
    expect(again.topicLabel).toContain('重复');
    expect(again.topicLabel).toContain('扣费');
    for (const filler of ['我', '了', '您', '如果', '你好', '上周'])
      expect(again.topicLabel!.split('、')).not.toContain(filler);
  });

  it('does not flag the same customer calling about something else', async () => {
    const other = await call(
      'zr-3',
      'cust-zr',
      firstCallAt + 3 * day,
      [
        ['customer', '我家从昨天晚上开始断网了，路由器一直亮红灯。'],
        ['agent', '您所在区域有网络故障，工程师正在抢修。'],
      ],
      'technical_support',
    );
    expect(other.repeatContact).toBe(false);
    expect(other.topicLabel).toMatch(/断网|路由器|故障/);
  });
});
