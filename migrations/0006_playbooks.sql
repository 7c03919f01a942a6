-- Playbooks a tenant defines through the API, versioned. They override the bundled playbooks
-- (knowledge/playbooks/*.yaml) with the same id; a retired one falls back to the bundled one.
CREATE TABLE tenant_playbooks (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  definition jsonb,
  retired boolean NOT NULL DEFAULT false,
  changed_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id, version)
);
