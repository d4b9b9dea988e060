// Identity overrides: every authorship of an author, as merges and splits move them.
MATCH (:Author {id: $id})-[r:AUTHORED]->(p:Paper)
RETURN p.id AS paper, r.position AS position, r.raw_name AS raw_name, r.source AS source
ORDER BY paper, position
