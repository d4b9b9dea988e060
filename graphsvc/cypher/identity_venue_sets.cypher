// Venues each of $ids published in (duplicate evidence: shared venues).
UNWIND $ids AS aid
MATCH (:Author {id: aid})-[:AUTHORED]->(p:Paper)
WHERE p.venue IS NOT NULL
RETURN aid AS author, collect(DISTINCT p.venue) AS venues
