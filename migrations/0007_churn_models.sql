-- The customer table a tenant trains its churn model from (latest upload wins). The model is
-- retrained from it at first use after a start, so no weights format needs versioning.
CREATE TABLE churn_training (
  tenant_id text PRIMARY KEY REFERENCES tenants(id),
  csv text NOT NULL,
  id_column text NOT NULL,
  label_column text NOT NULL,
  customers integer NOT NULL,
  churn_rate real NOT NULL,
  uploaded_by text,
  uploaded_at timestamptz NOT NULL DEFAULT now()
);
