-- Retention and erasure (issue 20, item 3; src/privacy/).
--
-- audit_log: who did what to a tenant's personal data, and how much it removed. `actor_key_id`
-- and `actor_key_name` name the API key (null id for the scheduled retention purge). `subject`
-- never holds a customer id as sent: an erasure records a digest of it, so the log can prove that
-- a given customer was erased without keeping who they were.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  actor_key_id text,
  actor_key_name text NOT NULL,
  action text NOT NULL,
  subject text,
  counts jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_created ON audit_log (tenant_id, created_at DESC, id DESC);

-- The retention purge reads ended conversations, events and wrap-up results by age, a batch at a
-- time; these keep each batch an index range instead of a scan of the tenant's history.
CREATE INDEX IF NOT EXISTS conversations_tenant_ended ON conversations (tenant_id, ended_at)
  WHERE status = 'ended';
CREATE INDEX IF NOT EXISTS events_tenant_created ON events (tenant_id, created_at);
CREATE INDEX IF NOT EXISTS wrapup_results_tenant_created ON wrapup_results (tenant_id, created_at);
