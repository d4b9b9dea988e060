// Paper identity without ids: papers with this title key and year (a null year matches null),
// with their ids and the initials signature of each author position.
MATCH (p:Paper {title_key: $title_key})
WHERE p.year = $year OR (p.year IS NULL AND $year IS NULL)
CALL (p) {
  OPTIONAL MATCH (a:Author)-[r:AUTHORED]->(p)
  OPTIONAL MATCH (a)-[:HAS_VARIANT]->(v:Variant {name: r.raw_name})
  WITH r.position AS position, min(v.sig) AS sig
  ORDER BY position
  RETURN collect(sig) AS sigs
}
RETURN p.id AS id, sigs,
       COLLECT { MATCH (p)-[:HAS_ID]->(x:PaperId) RETURN [x.kind, x.value] ORDER BY x.kind, x.value } AS ids
ORDER BY id
