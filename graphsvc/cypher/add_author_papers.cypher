// Authors that existed before the batch: add the batch's papers to their count and, when the
// batch brought variants, refresh the search tokens (written only when they changed, so the
// full-text index is not updated for nothing). apply_batch skips a batch whose transaction
// already committed (Meta applied_batch), so a retry never counts twice.
UNWIND $rows AS row
MATCH (a:Author {id: row.id})
SET a.papers = a.papers + row.papers
WITH a, row
WHERE row.variants
WITH a, COLLECT { MATCH (a)-[:HAS_VARIANT]->(v:Variant) UNWIND v.tokens AS t RETURN DISTINCT t ORDER BY t } AS tokens
WITH a, reduce(s = '', t IN tokens | s + CASE WHEN s = '' THEN '' ELSE ' ' END + t) AS search
WHERE a.search IS NULL OR a.search <> search
SET a.search = search
