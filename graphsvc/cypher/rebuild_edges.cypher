// Every co-author edge recomputed from the counted papers, author by author (each author's
// outgoing edges, to higher ids, are replaced in one inner transaction).
// A pair known only from ties has 0 papers, the strongest tie's weight, and cost 1 / weight.
MATCH (a:Author)
CALL (a) {
  OPTIONAL MATCH (a)-[old:COAUTHOR]->(:Author)
  DELETE old
  WITH a, count(*) AS cleared
  MATCH (a)-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(b:Author)
  WHERE p.counted AND a.id < b.id
  WITH a, b, count(DISTINCT CASE WHEN p.tie IS NULL THEN p END) AS papers,
       sum(CASE WHEN p.tie IS NULL THEN 1.0 / (p.n_authors - 1) ELSE 0.0 END) AS paper_weight,
       max(p.tie) AS tie_weight,
       min(CASE WHEN p.tie IS NULL THEN p.year END) AS first_year,
       max(CASE WHEN p.tie IS NULL THEN p.year END) AS last_year
  WITH a, b, papers, CASE WHEN papers > 0 THEN paper_weight ELSE tie_weight END AS weight,
       first_year, last_year
  CREATE (a)-[:COAUTHOR {papers: papers, weight: weight,
                         cost: CASE WHEN papers > 0 THEN 1.0 / papers ELSE 1.0 / weight END,
                         first_year: first_year, last_year: last_year}]->(b)
} IN TRANSACTIONS OF 1000 ROWS
