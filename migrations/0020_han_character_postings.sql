-- Chinese keyword search reads words no article uses by their characters (issue 18;
-- src/knowledge/han-characters.ts). New ingests post the Han characters of every chunk's words as
-- terms `~<character>`; this adds them to chunks indexed before, so an existing knowledge base
-- needs no re-ingest (unchanged articles are never re-indexed). The term_stats trigger counts
-- them like any posting.
--
-- tf: occurrences of the character in the chunk's Han words, title positions (weight A) three
-- times (TITLE_TF_WEIGHT of src/knowledge/ingest.ts). impact: BM25's tf factor with k1 = 2,
-- b = 0.75 (src/knowledge/bm25.ts) and the tenant's current mean chunk length.
INSERT INTO chunk_terms (chunk_id, tenant_id, term, tf, impact)
SELECT p.id, p.tenant_id, p.term, p.tf,
       p.tf / (p.tf + 2 * (0.25 + 0.75 * c.term_count / greatest(s.total_terms::float8 / greatest(s.chunks, 1), 1)))
  FROM (SELECT c.id, c.tenant_id, '~' || ch AS term,
               sum(CASE w WHEN 'A' THEN 3 ELSE 1 END)::int AS tf
          FROM chunks c, unnest(c.tsv) t, unnest(t.weights) w, regexp_split_to_table(t.lexeme, '') ch
         WHERE t.lexeme ~ '^[㐀-䶿一-鿿]+$'
         GROUP BY c.id, c.tenant_id, ch) p
  JOIN chunks c ON c.id = p.id
  JOIN chunk_stats s ON s.tenant_id = p.tenant_id
ON CONFLICT (chunk_id, term) DO NOTHING;
