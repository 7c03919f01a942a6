-- Wrap-up intelligence: summaries, dispositions, QA scores with human overrides, follow-ups.

-- One row per finalizer result per conversation (summary, disposition, qa, churn...).
CREATE TABLE wrapup_results (
  conversation_id text NOT NULL REFERENCES conversations(id),
  tenant_id text NOT NULL REFERENCES tenants(id),
  kind text NOT NULL,
  result jsonb NOT NULL,
  -- Which prompt or model version produced it, so results stay explainable after upgrades.
  producer text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, kind)
);

-- Scorecards are versioned: a QA score keeps the version it was computed with.
CREATE TABLE scorecards (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id, version)
);

CREATE TABLE qa_scores (
  conversation_id text NOT NULL REFERENCES conversations(id),
  tenant_id text NOT NULL REFERENCES tenants(id),
  scorecard_id text NOT NULL,
  scorecard_version integer NOT NULL,
  criterion_id text NOT NULL,
  -- 1 met, 0 missed, NULL not applicable.
  auto_score smallint CHECK (auto_score IN (0, 1)),
  evidence_seqs integer[] NOT NULL DEFAULT '{}',
  note text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, scorecard_id, scorecard_version, criterion_id),
  FOREIGN KEY (tenant_id, scorecard_id, scorecard_version) REFERENCES scorecards(tenant_id, id, version)
);

-- Human reviews never overwrite the automatic score: both are kept, so agreement can be measured.
CREATE TABLE qa_overrides (
  id bigserial PRIMARY KEY,
  conversation_id text NOT NULL,
  scorecard_id text NOT NULL,
  scorecard_version integer NOT NULL,
  criterion_id text NOT NULL,
  tenant_id text NOT NULL REFERENCES tenants(id),
  human_score smallint CHECK (human_score IN (0, 1)),
  comment text NOT NULL DEFAULT '',
  reviewer text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (conversation_id, scorecard_id, scorecard_version, criterion_id)
    REFERENCES qa_scores(conversation_id, scorecard_id, scorecard_version, criterion_id)
);
CREATE INDEX qa_overrides_tenant ON qa_overrides (tenant_id, created_at DESC);

-- What the classifier suggested and what the agent chose: training data and an accuracy record.
CREATE TABLE disposition_confirmations (
  conversation_id text PRIMARY KEY REFERENCES conversations(id),
  tenant_id text NOT NULL REFERENCES tenants(id),
  suggested_code text,
  confidence real,
  chosen_code text NOT NULL,
  agent_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disposition_confirmations_tenant ON disposition_confirmations (tenant_id, created_at DESC);

CREATE TABLE follow_up_tasks (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  conversation_id text NOT NULL REFERENCES conversations(id),
  source_seq integer NOT NULL,
  kind text NOT NULL,
  owner text,
  due_at timestamptz,
  -- Drafted from the commitment; holds no transcript text beyond what the agent will send.
  draft_message text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX follow_up_tasks_due ON follow_up_tasks (tenant_id, status, due_at);
