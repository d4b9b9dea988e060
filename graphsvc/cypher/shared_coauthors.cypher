// Which of $others already wrote a counted paper with $author (edges are stored once, read both ways).
MATCH (a:Author {id: $author})-[:COAUTHOR]-(b:Author)
WHERE b.id IN $others
RETURN DISTINCT b.id AS id
ORDER BY id
