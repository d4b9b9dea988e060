// Move authorships (by paper and position) to another author, keeping their properties.
UNWIND $rows AS row
MATCH (:Author)-[r:AUTHORED {position: row.position}]->(p:Paper {id: row.paper})
MATCH (t:Author {id: $target})
CREATE (t)-[n:AUTHORED]->(p)
SET n = properties(r)
DELETE r
