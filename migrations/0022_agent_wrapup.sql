-- The agent's own wrap-up (issue 21): the summary as the agent edited it, and what the agent did
-- with each follow-up the wrap-up proposed.
--
-- summary_edits: the generated summary stays in wrapup_results (QA compares the two); the agent's
-- text is kept beside it with who saved it and when. It is personal data like the transcript, so
-- it goes with its conversation (erasure and retention delete conversations).
CREATE TABLE summary_edits (
  conversation_id text PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  tenant_id text NOT NULL REFERENCES tenants(id),
  text text NOT NULL,
  edited_by text NOT NULL,
  edited_at timestamptz NOT NULL DEFAULT now()
);

-- A follow-up the agent accepted, changed or dismissed. A re-run of the wrap-up (a retry) must not
-- overwrite the agent's decision with the drafted one: saveFollowUps keeps decided tasks as they are.
ALTER TABLE follow_up_tasks
  ADD COLUMN decision text CHECK (decision IN ('accepted', 'changed', 'dismissed')),
  ADD COLUMN decided_by text,
  ADD COLUMN decided_at timestamptz;
