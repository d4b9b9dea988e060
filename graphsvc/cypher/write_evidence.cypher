// Why a mention was attached to an author (INSERT OR IGNORE per author, variant and rule).
UNWIND $rows AS row
MATCH (a:Author {id: row.author})
MERGE (e:Evidence {author: row.author, variant: row.variant, rule: row.rule})
ON CREATE SET e.detail = row.detail
MERGE (a)-[:HAS_EVIDENCE]->(e)
