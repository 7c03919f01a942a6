-- Keyword search that stays fast at 100k+ chunks (docs/decisions/0007).
--
-- BM25 needs each query term's document frequency and the tenant's chunk count and mean length.
-- They used to be counted from the postings at query time, which read every posting of every
-- query term: 0.7-3 s per search at 100k chunks. They are now kept up to date by triggers, so a
-- search first reads one small row per query term, keeps the terms that matter most, and then
-- reads only the strongest postings of each (by `impact`, through an index in that order).

-- Chunks that contain the term, per tenant. Counts every chunk, as the postings do (retired
-- and draft articles keep their chunks; the status filter applies at search time).
CREATE TABLE term_stats (
  tenant_id text NOT NULL,
  term text NOT NULL,
  df integer NOT NULL,
  PRIMARY KEY (tenant_id, term)
);

-- The BM25 collection statistics of a tenant: N and the sum of document lengths.
CREATE TABLE chunk_stats (
  tenant_id text PRIMARY KEY,
  chunks bigint NOT NULL,
  total_terms bigint NOT NULL
);

-- BM25's term-frequency factor tf / (tf + k1 (1 - b + b dl / avgdl)) with the tenant's avgdl at
-- the time of insertion: used only to read a term's postings strongest first. Scores are always
-- computed from tf and the current statistics.
ALTER TABLE chunk_terms ADD COLUMN impact real NOT NULL DEFAULT 0;

INSERT INTO term_stats (tenant_id, term, df)
SELECT tenant_id, term, count(*) FROM chunk_terms GROUP BY tenant_id, term;

INSERT INTO chunk_stats (tenant_id, chunks, total_terms)
SELECT tenant_id, count(*), coalesce(sum(term_count), 0) FROM chunks GROUP BY tenant_id;

-- k1 = 2, b = 0.75: the constants of src/knowledge/bm25.ts.
UPDATE chunk_terms ct
   SET impact = ct.tf / (ct.tf + 2 * (0.25 + 0.75 * c.term_count / greatest(s.total_terms::float8 / greatest(s.chunks, 1), 1)))
  FROM chunks c, chunk_stats s
 WHERE c.id = ct.chunk_id AND s.tenant_id = c.tenant_id;

-- Replaces (tenant_id, term): same prefix, plus the order postings are read in.
CREATE INDEX chunk_terms_tenant_term_impact ON chunk_terms (tenant_id, term, impact DESC);
DROP INDEX chunk_terms_tenant_term;

-- Statement-level triggers with transition tables: one upsert per ingest statement, not one per
-- posting. Rows are taken in key order so that two concurrent ingests touching the same terms
-- lock them in the same order (no deadlock). Chunk deletes cascade to chunk_terms, and cascaded
-- deletes fire these triggers too.
CREATE FUNCTION cuecard_term_stats_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO term_stats AS s (tenant_id, term, df)
  SELECT tenant_id, term, count(*) FROM new_rows GROUP BY tenant_id, term ORDER BY tenant_id, term
  ON CONFLICT (tenant_id, term) DO UPDATE SET df = s.df + excluded.df;
  RETURN NULL;
END
$$;

CREATE FUNCTION cuecard_term_stats_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Lock in key order first: the UPDATE's join below may visit rows in any order.
  PERFORM 1 FROM term_stats s
    WHERE s.tenant_id IN (SELECT DISTINCT tenant_id FROM old_rows)
      AND (s.tenant_id, s.term) IN (SELECT tenant_id, term FROM old_rows)
    ORDER BY s.tenant_id, s.term FOR UPDATE;
  UPDATE term_stats s SET df = s.df - r.n
    FROM (SELECT tenant_id, term, count(*) AS n FROM old_rows GROUP BY tenant_id, term) r
   WHERE s.tenant_id = r.tenant_id AND s.term = r.term;
  -- A separate statement: a DELETE in the same statement as the UPDATE would not see its rows.
  DELETE FROM term_stats s
   WHERE s.df <= 0 AND (s.tenant_id, s.term) IN (SELECT tenant_id, term FROM old_rows);
  RETURN NULL;
END
$$;

CREATE TRIGGER chunk_terms_stats_add AFTER INSERT ON chunk_terms
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cuecard_term_stats_add();

CREATE TRIGGER chunk_terms_stats_remove AFTER DELETE ON chunk_terms
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cuecard_term_stats_remove();

CREATE FUNCTION cuecard_chunk_stats_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO chunk_stats AS s (tenant_id, chunks, total_terms)
  SELECT tenant_id, count(*), coalesce(sum(term_count), 0) FROM new_rows GROUP BY tenant_id ORDER BY tenant_id
  ON CONFLICT (tenant_id) DO UPDATE SET chunks = s.chunks + excluded.chunks, total_terms = s.total_terms + excluded.total_terms;
  RETURN NULL;
END
$$;

CREATE FUNCTION cuecard_chunk_stats_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE chunk_stats s SET chunks = s.chunks - r.n, total_terms = s.total_terms - r.terms
    FROM (SELECT tenant_id, count(*) AS n, coalesce(sum(term_count), 0) AS terms
            FROM old_rows GROUP BY tenant_id ORDER BY tenant_id) r
   WHERE s.tenant_id = r.tenant_id;
  RETURN NULL;
END
$$;

CREATE TRIGGER chunks_stats_add AFTER INSERT ON chunks
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cuecard_chunk_stats_add();

CREATE TRIGGER chunks_stats_remove AFTER DELETE ON chunks
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cuecard_chunk_stats_remove();
