// External author ids: the first author to claim an id keeps it (INSERT OR IGNORE).
UNWIND $rows AS row
MERGE (x:AuthorId {kind: row.kind, value: row.value})
ON CREATE SET x.author = row.author
WITH x
MATCH (a:Author {id: x.author})
MERGE (a)-[:HAS_ID]->(x)
