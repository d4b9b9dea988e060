// Every co-author edge once (lower id first): exports and the store contract tests.
MATCH (a:Author)-[e:COAUTHOR]->(b:Author)
RETURN a.id AS a, b.id AS b, e.papers AS papers, e.weight AS weight,
       e.first_year AS first_year, e.last_year AS last_year
ORDER BY a, b
