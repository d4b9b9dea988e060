// Co-author edges of the pairs a batch touched, recomputed from the counted joint papers
// (never "+ 1": a retried transaction writes the same values). Stored once, lower id -> higher.
// A pair known only from ties has 0 papers, the strongest tie's weight, and cost 1 / weight.
UNWIND $pairs AS pair
MATCH (a:Author {id: pair[0]})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(b:Author {id: pair[1]})
WHERE p.counted
WITH a, b, count(DISTINCT CASE WHEN p.tie IS NULL THEN p END) AS papers,
     sum(CASE WHEN p.tie IS NULL THEN 1.0 / (p.n_authors - 1) ELSE 0.0 END) AS paper_weight,
     max(p.tie) AS tie_weight,
     min(CASE WHEN p.tie IS NULL THEN p.year END) AS first_year,
     max(CASE WHEN p.tie IS NULL THEN p.year END) AS last_year
WITH a, b, papers, CASE WHEN papers > 0 THEN paper_weight ELSE tie_weight END AS weight,
     first_year, last_year
MERGE (a)-[e:COAUTHOR]->(b)
SET e.papers = papers, e.weight = weight,
    e.cost = CASE WHEN papers > 0 THEN 1.0 / papers ELSE 1.0 / weight END,
    e.first_year = first_year, e.last_year = last_year
