// papers_by_title for many [title key, year] pairs in one round trip: one row per (pair,
// paper), papers in id order within a pair (a null year matches null).
UNWIND $pairs AS pair
MATCH (p:Paper {title_key: pair[0]})
WHERE p.year = pair[1] OR (p.year IS NULL AND pair[1] IS NULL)
CALL (p) {
  OPTIONAL MATCH (a:Author)-[r:AUTHORED]->(p)
  OPTIONAL MATCH (a)-[:HAS_VARIANT]->(v:Variant {name: r.raw_name})
  WITH r.position AS position, min(v.sig) AS sig
  ORDER BY position
  RETURN collect(sig) AS sigs
}
RETURN pair[0] AS title_key, pair[1] AS year, p.id AS id, sigs,
       COLLECT { MATCH (p)-[:HAS_ID]->(x:PaperId) RETURN [x.kind, x.value] ORDER BY x.kind, x.value } AS ids
ORDER BY title_key, year, id
