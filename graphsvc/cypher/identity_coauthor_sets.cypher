// Co-authors of each of $ids (duplicate evidence: shared co-authors).
UNWIND $ids AS aid
MATCH (:Author {id: aid})-[:COAUTHOR]-(b:Author)
RETURN aid AS author, collect(DISTINCT b.id) AS others
