// The co-author edges among a set of authors inside a year window.
UNWIND $ids AS aid
MATCH (a:Author {id: aid})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(b:Author)
WHERE a.id < b.id AND b.id IN $ids
  AND p.counted AND p.year IS NOT NULL AND p.year >= $year_from AND p.year <= $year_to
WITH a, b, count(DISTINCT p) AS papers, sum(1.0 / (p.n_authors - 1)) AS weight,
     min(p.year) AS first_year, max(p.year) AS last_year
WHERE papers >= $min_papers
RETURN a.id AS source, b.id AS target, papers, weight, first_year, last_year
