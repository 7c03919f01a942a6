-- Core: tenants, API keys, conversations, their durable items, and the event log.
CREATE TABLE tenants (
  id text PRIMARY KEY,
  name text NOT NULL,
  -- Per-tenant switches, e.g. {"piiMode": "mask"}.
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('connector', 'agent', 'supervisor', 'knowledge_manager', 'admin')),
  -- Agent keys see only this agent's conversations.
  agent_id text,
  -- sha256 of the whole key; the key itself is never stored.
  key_hash text NOT NULL UNIQUE,
  key_prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CHECK (role <> 'agent' OR agent_id IS NOT NULL)
);

CREATE TABLE conversations (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  -- The connector's own id for the conversation; reopening with it resumes.
  external_id text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('voice', 'chat', 'email')),
  agent_id text,
  customer_id text,
  customer_attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  language text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
  -- Highest durable sequence number: what a reconnecting connector resumes after.
  last_seq integer NOT NULL DEFAULT 0,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  UNIQUE (tenant_id, external_id)
);
CREATE INDEX conversations_tenant_started ON conversations (tenant_id, started_at DESC, id);
CREATE INDEX conversations_tenant_agent ON conversations (tenant_id, agent_id, started_at DESC);
CREATE INDEX conversations_tenant_customer ON conversations (tenant_id, customer_id, started_at DESC);

-- Final utterances and agent actions share one sequence per conversation.
CREATE TABLE conversation_items (
  conversation_id text NOT NULL REFERENCES conversations(id),
  seq integer NOT NULL CHECK (seq > 0),
  tenant_id text NOT NULL REFERENCES tenants(id),
  kind text NOT NULL CHECK (kind IN ('utterance', 'action')),
  speaker text CHECK (speaker IN ('customer', 'agent', 'bot')),
  -- Already redacted per the tenant's PII mode.
  text text,
  action text,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Hash of what the connector sent, so a repeated sequence number can be told from a conflict.
  content_hash text NOT NULL,
  start_ms integer,
  end_ms integer,
  language text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, seq)
);

-- Everything subscribers see, in order; `id` is the cursor a subscriber resumes from.
CREATE TABLE events (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  conversation_id text NOT NULL REFERENCES conversations(id),
  agent_id text,
  type text NOT NULL,
  seq integer,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_conversation ON events (conversation_id, id);
CREATE INDEX events_tenant ON events (tenant_id, id);

-- Per-conversation memory of each analyzer (cards shown, trend so far...), so no state lives
-- only in one process.
CREATE TABLE analyzer_state (
  conversation_id text NOT NULL REFERENCES conversations(id),
  analyzer text NOT NULL,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, analyzer)
);
