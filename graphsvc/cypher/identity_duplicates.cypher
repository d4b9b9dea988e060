// Possible duplicates written at ingest: all of them ($id null) or those of one author.
MATCH (a:Author)-[d:POSSIBLE_DUPLICATE]->(b:Author)
WHERE $id IS NULL OR a.id = $id OR b.id = $id
RETURN a.id AS a, b.id AS b, d.reason AS reason, d.score AS score
ORDER BY a, b
