// Co-author edges of the pairs a batch touched, recomputed from the counted joint papers
// (never "+ 1": a retried transaction writes the same values). Stored once, lower id -> higher.
UNWIND $pairs AS pair
MATCH (a:Author {id: pair[0]})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(b:Author {id: pair[1]})
WHERE p.counted
WITH a, b, count(DISTINCT p) AS papers, sum(1.0 / (p.n_authors - 1)) AS weight,
     min(p.year) AS first_year, max(p.year) AS last_year
MERGE (a)-[e:COAUTHOR]->(b)
SET e.papers = papers, e.weight = weight, e.cost = 1.0 / papers,
    e.first_year = first_year, e.last_year = last_year
