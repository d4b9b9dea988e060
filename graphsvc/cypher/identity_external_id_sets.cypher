// External ids of each of $ids.
UNWIND $ids AS aid
MATCH (:Author {id: aid})-[:HAS_ID]->(x:AuthorId)
RETURN aid AS author, x.kind AS kind, x.value AS value
ORDER BY author, kind, value
