// Possible duplicates, rows [lower id, higher id, reason, score], replaced on conflict like
// the embedded store's.
UNWIND $rows AS row
MATCH (a:Author {id: row[0]})
MATCH (b:Author {id: row[1]})
MERGE (a)-[d:POSSIBLE_DUPLICATE]->(b)
SET d.reason = row[2], d.score = row[3]
