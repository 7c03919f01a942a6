-- Webhooks out (issue 20, point 1; src/integrations/webhooks/).
--
-- webhook_endpoints: where a tenant wants its events. The secret signs every delivery (HMAC), so it
-- is kept as written; it is shown once, at creation.
CREATE TABLE webhook_endpoints (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  url text NOT NULL,
  events text[] NOT NULL,
  secret text NOT NULL,
  description text NOT NULL DEFAULT '',
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id);

-- One row per (endpoint, event): the outbox. `source_key` names the fact it reports (an event's
-- position, a follow-up's id...), so producing it twice (a retry) queues it once. A row is
-- claimed with a lease like durable work: an instance that dies mid-request loses its lease and
-- the delivery is tried again (at least once).
CREATE TABLE webhook_deliveries (
  id text PRIMARY KEY,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  tenant_id text NOT NULL,
  event_type text NOT NULL,
  source_key text NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_owner text,
  lease_until timestamptz,
  last_status int,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  UNIQUE (endpoint_id, source_key)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);

-- How far the event log has been turned into deliveries (one row: the fan-out's cursor).
CREATE TABLE webhook_cursor (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  tx xid8 NOT NULL,
  event_id bigint NOT NULL
);

-- A follow-up reported as due once (follow_up.due).
ALTER TABLE follow_up_tasks ADD COLUMN due_notified_at timestamptz;
CREATE INDEX follow_up_tasks_due_unnotified ON follow_up_tasks (due_at)
  WHERE due_notified_at IS NULL AND status = 'open' AND due_at IS NOT NULL;
-- Tasks already past due when webhooks arrived are not announced as newly due.
UPDATE follow_up_tasks SET due_notified_at = now() WHERE due_at <= now();
