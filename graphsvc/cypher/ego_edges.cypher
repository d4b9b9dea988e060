// The co-author edges among a set of authors (each once, lower id first).
UNWIND $ids AS aid
MATCH (a:Author {id: aid})-[e:COAUTHOR]->(b:Author)
WHERE b.id IN $ids AND (e.papers >= $min_papers OR $min_papers <= 1)
RETURN a.id AS source, b.id AS target, e.papers AS papers, e.weight AS weight,
       e.first_year AS first_year, e.last_year AS last_year
