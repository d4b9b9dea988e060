// Co-author edges of the authors an override touched, recomputed from the counted papers they
// wrote (the same sums as rebuild_edges); stored once, lower id -> higher id.
UNWIND $ids AS aid
MATCH (:Author {id: aid})-[:AUTHORED]->(p:Paper)
WHERE p.counted
WITH DISTINCT p
MATCH (x:Author)-[:AUTHORED]->(p)<-[:AUTHORED]-(y:Author)
WHERE x.id < y.id AND (x.id IN $ids OR y.id IN $ids)
WITH x, y, count(DISTINCT p) AS papers, sum(1.0 / (p.n_authors - 1)) AS weight,
     min(p.year) AS first_year, max(p.year) AS last_year
CREATE (x)-[:COAUTHOR {papers: papers, weight: weight, cost: 1.0 / papers,
                       first_year: first_year, last_year: last_year}]->(y)
