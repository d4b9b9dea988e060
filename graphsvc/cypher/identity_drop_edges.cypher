// Every co-author edge of the authors an override touched (rebuilt by identity_build_edges).
UNWIND $ids AS aid
MATCH (:Author {id: aid})-[e:COAUTHOR]-(:Author)
WITH DISTINCT e
DELETE e
