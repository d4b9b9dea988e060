// Co-author edges of the authors an override touched, recomputed from the counted papers they
// wrote (the same sums as rebuild_edges); stored once, lower id -> higher id.
// A pair known only from ties has 0 papers, the strongest tie's weight, and cost 1 / weight.
UNWIND $ids AS aid
MATCH (:Author {id: aid})-[:AUTHORED]->(p:Paper)
WHERE p.counted
WITH DISTINCT p
MATCH (x:Author)-[:AUTHORED]->(p)<-[:AUTHORED]-(y:Author)
WHERE x.id < y.id AND (x.id IN $ids OR y.id IN $ids)
WITH x, y, count(DISTINCT CASE WHEN p.tie IS NULL THEN p END) AS papers,
     sum(CASE WHEN p.tie IS NULL THEN 1.0 / (p.n_authors - 1) ELSE 0.0 END) AS paper_weight,
     max(p.tie) AS tie_weight,
     min(CASE WHEN p.tie IS NULL THEN p.year END) AS first_year,
     max(CASE WHEN p.tie IS NULL THEN p.year END) AS last_year
WITH x, y, papers, CASE WHEN papers > 0 THEN paper_weight ELSE tie_weight END AS weight,
     first_year, last_year
CREATE (x)-[:COAUTHOR {papers: papers, weight: weight,
                       cost: CASE WHEN papers > 0 THEN 1.0 / papers ELSE 1.0 / weight END,
                       first_year: first_year, last_year: last_year}]->(y)
