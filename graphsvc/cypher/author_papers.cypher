MATCH (:Author {id: $id})-[:AUTHORED]->(p:Paper)
RETURN p.id AS id
ORDER BY id
