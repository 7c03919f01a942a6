-- Intent taxonomies: each save makes a new immutable version, so a retrain always reads one
-- consistent set of intents and examples, and earlier versions stay available for audit.
CREATE TABLE intent_taxonomies (
  tenant_id text NOT NULL REFERENCES tenants(id),
  version integer NOT NULL CHECK (version > 0),
  name text NOT NULL,
  -- Where it came from: a file under knowledge/ or the API.
  source text NOT NULL CHECK (source IN ('file', 'api')),
  -- Threshold used when the taxonomy has no out-of-scope examples to calibrate from.
  min_confidence real CHECK (min_confidence IS NULL OR (min_confidence >= 0 AND min_confidence < 1)),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, version)
);

CREATE TABLE intent_definitions (
  tenant_id text NOT NULL,
  version integer NOT NULL,
  intent text NOT NULL,
  description text,
  position integer NOT NULL,
  PRIMARY KEY (tenant_id, version, intent),
  FOREIGN KEY (tenant_id, version) REFERENCES intent_taxonomies (tenant_id, version) ON DELETE CASCADE
);

CREATE TABLE intent_examples (
  tenant_id text NOT NULL,
  version integer NOT NULL,
  position integer NOT NULL,
  -- NULL for an out-of-scope example (something no intent covers).
  intent text,
  text text NOT NULL CHECK (length(btrim(text)) > 0),
  PRIMARY KEY (tenant_id, version, position),
  FOREIGN KEY (tenant_id, version) REFERENCES intent_taxonomies (tenant_id, version) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, version, intent) REFERENCES intent_definitions (tenant_id, version, intent)
);
