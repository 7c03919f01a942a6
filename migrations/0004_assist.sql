-- LLM token usage per tenant, per day, feature and model: for cost reports and quotas.
CREATE TABLE llm_usage (
  tenant_id text NOT NULL REFERENCES tenants(id),
  day date NOT NULL,
  -- Which capability spent the tokens, e.g. 'suggest-reply'.
  feature text NOT NULL,
  model text NOT NULL,
  requests integer NOT NULL DEFAULT 0,
  prompt_tokens bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, day, feature, model)
);
