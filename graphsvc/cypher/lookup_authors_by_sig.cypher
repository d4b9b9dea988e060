// Identity candidates of many initials signatures in one round trip (authors_by_sig for each):
// one row per (signature, author), authors in id order within a signature.
UNWIND $sigs AS sig
CALL (sig) {
  MATCH (v:Variant {sig: sig})
  WITH v.author AS aid, min(CASE WHEN v.initials_only THEN 1 ELSE 0 END) = 1 AS initials_only,
       collect(DISTINCT [v.key, v.initials_only]) AS keys
  MATCH (a:Author {id: aid})
  RETURN a, initials_only, keys
}
RETURN sig AS lookup, a.id AS id, a.key AS key, initials_only, keys,
       COLLECT { MATCH (a)-[:HAS_ID]->(x:AuthorId) RETURN [x.kind, x.value] ORDER BY x.kind, x.value } AS ids
ORDER BY lookup, id
