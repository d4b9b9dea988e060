// Move external ids to another author.
UNWIND $rows AS row
MATCH (x:AuthorId {kind: row.kind, value: row.value})
MATCH (t:Author {id: $target})
OPTIONAL MATCH (:Author)-[h:HAS_ID]->(x)
DELETE h
WITH DISTINCT x, t
SET x.author = t.id
MERGE (t)-[:HAS_ID]->(x)
