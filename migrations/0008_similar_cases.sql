-- Finished conversations as searchable cases: what the customer needed and how it ended, so an
-- agent can see how the same problem was solved before. Exact cosine scan per tenant (cases are
-- few compared with article chunks); an HNSW index per model can come later.
CREATE TABLE case_vectors (
  conversation_id text PRIMARY KEY REFERENCES conversations(id),
  tenant_id text NOT NULL REFERENCES tenants(id),
  embedding vector NOT NULL,
  embedding_model text NOT NULL,
  summary text NOT NULL,
  disposition text,
  outcome text,
  ended_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_vectors_tenant ON case_vectors (tenant_id, embedding_model);
