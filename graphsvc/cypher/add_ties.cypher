// Co-authorship ties (edge lists, GML) of a batch, rows [lower id, higher id, weight]: a pair
// without joint papers keeps its strongest tie (cost 1 / weight); a tie adds nothing to an edge
// with papers, as in the embedded store.
UNWIND $rows AS row
MATCH (a:Author {id: row[0]})
MATCH (b:Author {id: row[1]})
MERGE (a)-[e:COAUTHOR]->(b)
ON CREATE SET e.papers = 0, e.weight = row[2]
WITH e, CASE WHEN e.papers = 0 AND row[2] > e.weight THEN row[2] ELSE e.weight END AS weight
SET e.weight = weight, e.cost = CASE WHEN e.papers > 0 THEN 1.0 / e.papers ELSE 1.0 / weight END
