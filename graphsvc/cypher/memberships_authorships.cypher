// Graph export for the Python engine: every authorship (sorted by graphsvc, not the server).
MATCH (a:Author)-[r:AUTHORED]->(p:Paper)
RETURN p.id AS paper, r.position AS position, a.id AS author
