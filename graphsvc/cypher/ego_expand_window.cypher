// One breadth-first step inside a year window (joint counted papers of known year).
UNWIND $frontier AS fid
MATCH (f:Author {id: fid})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(n:Author)
WHERE p.counted AND p.year IS NOT NULL AND p.year >= $year_from AND p.year <= $year_to
WITH f, n, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN f.id AS source, n.id AS target, papers
