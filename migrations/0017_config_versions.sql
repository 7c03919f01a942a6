-- Configuration reaches every instance (issue 16, point 4; src/stores/config-changes.ts).
--
-- Instances cache tenant configuration in memory (settings, intent models, playbooks,
-- scorecards, churn and disposition models). Every change bumps a (tenant, kind) version here,
-- from a trigger, so the bump commits with the change whoever wrote it (API, CLI, plain SQL).
-- Instances are told at once by NOTIFY on `cuecard_config` and poll this table every second as
-- a floor (a notification sent while a listener reconnects is lost).
--
-- `writer_xid` is the writing transaction: a poll reads the rows written by transactions at or
-- after the oldest one still running at its previous poll, so a change that commits late (after
-- a later one was already seen) is not skipped.
CREATE TABLE config_versions (
  tenant_id text NOT NULL,
  kind text NOT NULL,
  version bigint NOT NULL,
  writer_xid xid8 NOT NULL,
  PRIMARY KEY (tenant_id, kind)
);

CREATE INDEX config_versions_writer ON config_versions (writer_xid);

-- TG_ARGV[0]: the kind; TG_ARGV[1]: the column that holds the tenant id.
CREATE FUNCTION cuecard_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tenant text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    tenant := to_jsonb(OLD) ->> TG_ARGV[1];
  ELSE
    tenant := to_jsonb(NEW) ->> TG_ARGV[1];
  END IF;
  INSERT INTO config_versions AS v (tenant_id, kind, version, writer_xid)
  VALUES (tenant, TG_ARGV[0], 1, pg_current_xact_id())
  ON CONFLICT (tenant_id, kind)
    DO UPDATE SET version = v.version + 1, writer_xid = excluded.writer_xid;
  PERFORM pg_notify('cuecard_config', TG_ARGV[0] || ' ' || tenant);
  RETURN NULL;
END
$$;

-- Row triggers on the header rows only (one per save): an intent taxonomy's thousands of
-- examples are written in the same transaction as its `intent_taxonomies` row.
CREATE TRIGGER tenants_config_changed AFTER INSERT OR DELETE OR UPDATE OF settings ON tenants
  FOR EACH ROW EXECUTE FUNCTION cuecard_config_changed('settings', 'id');
CREATE TRIGGER intent_taxonomies_config_changed AFTER INSERT OR UPDATE OR DELETE ON intent_taxonomies
  FOR EACH ROW EXECUTE FUNCTION cuecard_config_changed('intents', 'tenant_id');
CREATE TRIGGER tenant_playbooks_config_changed AFTER INSERT OR UPDATE OR DELETE ON tenant_playbooks
  FOR EACH ROW EXECUTE FUNCTION cuecard_config_changed('playbooks', 'tenant_id');
CREATE TRIGGER scorecards_config_changed AFTER INSERT OR UPDATE OR DELETE ON scorecards
  FOR EACH ROW EXECUTE FUNCTION cuecard_config_changed('scorecards', 'tenant_id');
CREATE TRIGGER churn_training_config_changed AFTER INSERT OR UPDATE OR DELETE ON churn_training
  FOR EACH ROW EXECUTE FUNCTION cuecard_config_changed('churn', 'tenant_id');
-- Agents' confirmed codes are the disposition model's training data.
CREATE TRIGGER disposition_confirmations_config_changed AFTER INSERT OR UPDATE OR DELETE ON disposition_confirmations
  FOR EACH ROW EXECUTE FUNCTION cuecard_config_changed('dispositions', 'tenant_id');
