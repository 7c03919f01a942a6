-- Keyword search reads each query term's strongest postings in impact order. With the chunk id
-- and term frequency in the index, that read needs no visit to the table (an index-only scan
-- once the table is vacuumed): the table visit per posting was most of a typed search's time.
CREATE INDEX chunk_terms_tenant_term_impact_covering
  ON chunk_terms (tenant_id, term, impact DESC) INCLUDE (chunk_id, tf);
DROP INDEX chunk_terms_tenant_term_impact;

-- Nothing searches chunks by their tsvector (keyword search reads chunk_terms, highlights call
-- ts_headline on the text), and keeping a GIN index up to date was a large share of ingest.
DROP INDEX chunks_tsv;

-- A chunk delete cascades to its postings one statement per chunk, so this trigger runs once per
-- chunk. It used to find the statistics rows with a scan of the tenant's whole term_stats each
-- time; joined on the key instead, deleting an article of a 100k-chunk base takes a moment
-- instead of minutes. Same locking order (key order), same arithmetic.
CREATE OR REPLACE FUNCTION cuecard_term_stats_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM term_stats s
    JOIN (SELECT DISTINCT tenant_id, term FROM old_rows) r
      ON s.tenant_id = r.tenant_id AND s.term = r.term
    ORDER BY s.tenant_id, s.term FOR UPDATE OF s;
  UPDATE term_stats s SET df = s.df - r.n
    FROM (SELECT tenant_id, term, count(*) AS n FROM old_rows GROUP BY tenant_id, term) r
   WHERE s.tenant_id = r.tenant_id AND s.term = r.term;
  DELETE FROM term_stats s
   USING (SELECT DISTINCT tenant_id, term FROM old_rows) r
   WHERE s.df <= 0 AND s.tenant_id = r.tenant_id AND s.term = r.term;
  RETURN NULL;
END
$$;
