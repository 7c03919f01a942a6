-- Durable work (decision 0008): what must happen after a commit — an item's analysis, a
-- conversation's wrap-up — is a row written in the same transaction as the thing that caused it.
-- Any instance may claim a row under a lease (lease_owner, lease_expires_at) and renews it while it
-- works; a lease that runs out (the instance died) lets any other instance take the row over.
-- Rows of one queue_key (a conversation) are claimed strictly in (seq, id) order: a row is
-- claimable only when no earlier row of its key is still pending. Finished rows stay for
-- de-duplication until they are purged.
CREATE TABLE work_items (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  queue_key text NOT NULL,
  seq integer NOT NULL,
  -- (kind, dedup_key) names one piece of work: enqueuing it again is a no-op.
  dedup_key text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
  -- Claims so far; a claim is an attempt, and (id, attempts) fences a lease holder's writes.
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
  run_after timestamptz NOT NULL DEFAULT now(),
  lease_owner text,
  lease_expires_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  UNIQUE (kind, dedup_key)
);
-- Both partial indexes hold pending rows only, so they stay small however much history is kept.
CREATE INDEX work_items_ready ON work_items (run_after, id) WHERE state = 'pending';
CREATE INDEX work_items_pending_key ON work_items (queue_key, seq, id) WHERE state = 'pending';
CREATE INDEX work_items_finished ON work_items (finished_at) WHERE state <> 'pending';
