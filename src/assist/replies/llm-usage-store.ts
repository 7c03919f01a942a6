import type { Queryable } from '../../stores/database.js';
import type { ChatUsage } from '../../providers/spec/chat-model.js';

/** Token usage per tenant (table `llm_usage`, migration 0004): what LLM features cost whom. */
export interface LlmUsageStore {
  record(entry: {
    tenantId: string;
    feature: string;
    model: string;
    usage: ChatUsage | undefined;
    at?: Date;
  }): Promise<void>;
  totals(tenantId: string): Promise<
    Array<{
      feature: string;
      model: string;
      requests: number;
      promptTokens: number;
      completionTokens: number;
    }>
  >;
}

export function createLlmUsageStore(db: Queryable): LlmUsageStore {
  return {
    async record({ tenantId, feature, model, usage, at }) {
      const day = (at ?? new Date()).toISOString().slice(0, 10);
      await db.query(
        `INSERT INTO llm_usage (tenant_id, day, feature, model, requests, prompt_tokens, completion_tokens)
         VALUES ($1, $2, $3, $4, 1, $5, $6)
         ON CONFLICT (tenant_id, day, feature, model) DO UPDATE SET
           requests = llm_usage.requests + 1,
           prompt_tokens = llm_usage.prompt_tokens + EXCLUDED.prompt_tokens,
           completion_tokens = llm_usage.completion_tokens + EXCLUDED.completion_tokens`,
        [tenantId, day, feature, model, usage?.promptTokens ?? 0, usage?.completionTokens ?? 0],
      );
    },
    async totals(tenantId) {
      const { rows } = await db.query<{
        feature: string;
        model: string;
        requests: number;
        prompt_tokens: string | number;
        completion_tokens: string | number;
      }>(
        `SELECT feature, model, sum(requests)::int AS requests, sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens
         FROM llm_usage WHERE tenant_id = $1 GROUP BY feature, model ORDER BY feature, model`,
        [tenantId],
      );
      return rows.map((row) => ({
        feature: row.feature,
        model: row.model,
        requests: row.requests,
        promptTokens: Number(row.prompt_tokens),
        completionTokens: Number(row.completion_tokens),
      }));
    },
  };
}
