// Every co-author edge recomputed from the counted papers, author by author (each author's
// outgoing edges, to higher ids, are replaced in one inner transaction).
MATCH (a:Author)
CALL (a) {
  OPTIONAL MATCH (a)-[old:COAUTHOR]->(:Author)
  DELETE old
  WITH a, count(*) AS cleared
  MATCH (a)-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(b:Author)
  WHERE p.counted AND a.id < b.id
  WITH a, b, count(DISTINCT p) AS papers, sum(1.0 / (p.n_authors - 1)) AS weight,
       min(p.year) AS first_year, max(p.year) AS last_year
  CREATE (a)-[:COAUTHOR {papers: papers, weight: weight, cost: 1.0 / papers,
                         first_year: first_year, last_year: last_year}]->(b)
} IN TRANSACTIONS OF 1000 ROWS
