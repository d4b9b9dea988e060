// An author's paper count and search tokens, derived from authorships and variants.
UNWIND $ids AS aid
MATCH (a:Author {id: aid})
WITH a,
     COUNT { (a)-[:AUTHORED]->(p:Paper) WHERE p.tie IS NULL } AS papers,
     COLLECT { MATCH (a)-[:HAS_VARIANT]->(v:Variant) UNWIND v.tokens AS t RETURN DISTINCT t ORDER BY t } AS tokens
SET a.papers = papers,
    a.search = reduce(s = '', t IN tokens | s + CASE WHEN s = '' THEN '' ELSE ' ' END + t)
