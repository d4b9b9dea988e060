// Who wrote which paper, one relationship per (paper, position); the source is kept so that
// variant counts can be recomputed from these facts.
UNWIND $rows AS row
MATCH (p:Paper {id: row.paper})
MATCH (a:Author {id: row.author})
MERGE (a)-[r:AUTHORED {position: row.position}]->(p)
ON CREATE SET r.raw_name = row.raw_name, r.source = row.source
