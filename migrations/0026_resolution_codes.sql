-- The confirmed wrap-up code as ranking evidence (issue 19, item 1; docs/decisions/0028).
--
-- One row per conversation whose wrap-up code an agent or QA confirmed or corrected: the code
-- labels the conversation's text for the learned ranker (src/knowledge/learned-ranking/). The
-- articles that resolved conversations of a code then reach later conversations like any of
-- that code's conversations, including ones where no article was marked or used. Written in the
-- confirmation's own transaction; the ranker's store owns it (disposition_confirmations stays
-- the wrap-up's record of what was suggested and chosen). A row's conversation is a live one or
-- an imported one (resolution_imports), as for resolution_evidence.
CREATE TABLE resolution_codes (
  tenant_id text NOT NULL REFERENCES tenants(id),
  conversation_id text NOT NULL,
  code text NOT NULL,
  -- A correction moves it forward: the ranker applies changes since its last look.
  confirmed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, conversation_id)
);
CREATE INDEX resolution_codes_recent ON resolution_codes (tenant_id, confirmed_at DESC);

-- A confirmation bumps the tenant's ranker version like new evidence does (0019's function).
CREATE TRIGGER resolution_codes_inserted AFTER INSERT ON resolution_codes
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cuecard_resolutions_changed();
CREATE TRIGGER resolution_codes_updated AFTER UPDATE ON resolution_codes
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cuecard_resolutions_changed();
CREATE TRIGGER resolution_codes_deleted AFTER DELETE ON resolution_codes
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cuecard_resolutions_changed();
