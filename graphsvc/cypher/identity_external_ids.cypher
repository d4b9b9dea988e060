// Identity overrides: an author's external ids.
MATCH (:Author {id: $id})-[:HAS_ID]->(x:AuthorId)
RETURN x.kind AS kind, x.value AS value
ORDER BY kind, value
