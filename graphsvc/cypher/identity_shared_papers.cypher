// Papers two authors wrote together (a merge of co-authors is refused).
MATCH (:Author {id: $id})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(:Author {id: $target})
RETURN DISTINCT p.id AS id
ORDER BY id
