// Identity candidates: authors with a variant of this spelling key. initials_only is true when
// every such variant is initials-only (the embedded store's min(initials_only)).
MATCH (v:Variant {spell: $spell})
WITH v.author AS aid, min(CASE WHEN v.initials_only THEN 1 ELSE 0 END) = 1 AS initials_only
MATCH (a:Author {id: aid})
RETURN a.id AS id, a.key AS key, initials_only,
       COLLECT { MATCH (a)-[:HAS_ID]->(x:AuthorId) RETURN [x.kind, x.value] ORDER BY x.kind, x.value } AS ids
ORDER BY id
