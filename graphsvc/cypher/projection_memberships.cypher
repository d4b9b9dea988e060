// Strongest-path fallback: the counted papers of a bounded set of authors, for the Python engine.
UNWIND $ids AS aid
MATCH (a:Author {id: aid})-[:AUTHORED]->(p:Paper)
WHERE p.counted
RETURN p.id AS paper, coalesce(p.year, 0) AS year, a.id AS author
