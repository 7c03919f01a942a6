-- Knowledge base: articles with their history, searchable chunks (keywords + vectors),
-- agent feedback on cards, and a log of searches for knowledge-gap analysis.
CREATE TABLE articles (
  tenant_id text NOT NULL REFERENCES tenants(id),
  -- Stable id chosen by the author (front matter `id`, else the file name); cards cite it.
  id text NOT NULL,
  slug text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  language text NOT NULL DEFAULT 'en',
  status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published', 'retired')),
  owner text,
  -- Where it was ingested from (a path), so a re-ingest of that folder can retire what vanished.
  source text,
  version integer NOT NULL DEFAULT 1,
  -- sha256 of title + body + metadata: an unchanged article is never re-chunked or re-embedded.
  content_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, slug)
);
CREATE INDEX articles_tenant_source ON articles (tenant_id, source);

-- Every version ever published, with who changed it and why.
CREATE TABLE article_versions (
  tenant_id text NOT NULL,
  article_id text NOT NULL,
  version integer NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  status text NOT NULL,
  content_hash text NOT NULL,
  changed_by text,
  change_note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, article_id, version),
  FOREIGN KEY (tenant_id, article_id) REFERENCES articles (tenant_id, id) ON DELETE CASCADE
);

-- Chunks of the current version only (older versions live in article_versions).
CREATE TABLE chunks (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  article_id text NOT NULL,
  version integer NOT NULL,
  ord integer NOT NULL,
  text text NOT NULL,
  -- The chunk as keyword search sees it: Chinese (and other unspaced scripts) pre-split into
  -- space-separated words, because the Postgres parser cannot split them.
  search_text text NOT NULL,
  -- Title words (weight A, counted 3x as a field boost) plus search_text.
  tsv tsvector NOT NULL,
  -- Weighted number of lexemes: the document length of BM25.
  term_count integer NOT NULL,
  -- Dimension-less on purpose: the embedding model is configurable (512-d local encoder,
  -- 1536-d OpenAI...). Each model gets its own partial expression HNSW index
  -- (see ensureEmbeddingIndex), so vectors of two models never mix in one search.
  embedding vector,
  embedding_model text,
  FOREIGN KEY (tenant_id, article_id) REFERENCES articles (tenant_id, id) ON DELETE CASCADE,
  UNIQUE (tenant_id, article_id, ord)
);
CREATE INDEX chunks_tsv ON chunks USING gin (tsv);
CREATE INDEX chunks_tenant_article ON chunks (tenant_id, article_id);

-- Postings for BM25 ranking: ts_rank_cd has no IDF and no per-query-term weights, which long
-- conversational queries need (a word the customer said last matters more than small talk).
CREATE TABLE chunk_terms (
  chunk_id bigint NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
  tenant_id text NOT NULL,
  term text NOT NULL,
  tf integer NOT NULL,
  PRIMARY KEY (chunk_id, term)
);
CREATE INDEX chunk_terms_tenant_term ON chunk_terms (tenant_id, term);

CREATE TABLE article_feedback (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  article_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('used', 'helpful', 'not_helpful', 'dismissed')),
  agent_id text,
  conversation_id text,
  suggestion_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX article_feedback_tenant_article ON article_feedback (tenant_id, article_id);

-- One row per search. `terms` are the query's top keywords; `query` is the typed text of a
-- manual search only (live-card queries are built from transcripts and are not stored).
CREATE TABLE search_log (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  source text NOT NULL DEFAULT 'search',
  query text,
  terms text[] NOT NULL DEFAULT '{}',
  top_article_id text,
  top_score real NOT NULL,
  result_count integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_log_tenant_created ON search_log (tenant_id, created_at DESC);
