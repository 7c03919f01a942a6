-- Learning from resolutions (issue 19, item 1; docs/decisions/0015).
--
-- Which articles resolved which conversation: a card the agent marked helpful or used, an
-- article cited by a reply the agent used, or a past conversation imported with the articles
-- that resolved it. The learned ranker (src/knowledge/learned-ranking/) is trained on it, per
-- tenant. A row's conversation is either a live one (its text is in conversation_items) or an
-- imported one (its text is in resolution_imports).
CREATE TABLE resolution_evidence (
  tenant_id text NOT NULL REFERENCES tenants(id),
  conversation_id text NOT NULL,
  article_id text NOT NULL,
  source text NOT NULL CHECK (source IN ('helpful', 'used', 'cited', 'imported')),
  -- Negative for a card marked not helpful: it cancels a vote, never makes one.
  weight double precision NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, conversation_id, article_id, source)
);
CREATE INDEX resolution_evidence_recent ON resolution_evidence (tenant_id, created_at DESC);

-- Past conversations a tenant imports with the articles that resolved them (history from
-- before Cuecard, or another system). Text as given, redacted by the importer's caller.
CREATE TABLE resolution_imports (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  text text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

-- New evidence retrains the tenant's ranker on every instance (debounced there): one bump per
-- statement, not per row, since an import writes thousands of rows at once.
CREATE FUNCTION cuecard_resolutions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tenant text;
BEGIN
  FOR tenant IN SELECT DISTINCT tenant_id FROM changed LOOP
    INSERT INTO config_versions AS v (tenant_id, kind, version, writer_xid)
    VALUES (tenant, 'resolutions', 1, pg_current_xact_id())
    ON CONFLICT (tenant_id, kind)
      DO UPDATE SET version = v.version + 1, writer_xid = excluded.writer_xid;
    PERFORM pg_notify('cuecard_config', 'resolutions ' || tenant);
  END LOOP;
  RETURN NULL;
END
$$;
CREATE TRIGGER resolution_evidence_inserted AFTER INSERT ON resolution_evidence
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cuecard_resolutions_changed();
CREATE TRIGGER resolution_evidence_updated AFTER UPDATE ON resolution_evidence
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cuecard_resolutions_changed();
CREATE TRIGGER resolution_evidence_deleted AFTER DELETE ON resolution_evidence
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cuecard_resolutions_changed();
