// External paper ids: the first paper to claim an id keeps it (INSERT OR IGNORE).
UNWIND $rows AS row
MERGE (x:PaperId {kind: row.kind, value: row.value})
ON CREATE SET x.paper = row.paper
WITH x
MATCH (p:Paper {id: x.paper})
MERGE (p)-[:HAS_ID]->(x)
