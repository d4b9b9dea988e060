// Authors with at least $min_papers papers, most papers first (conflation candidates).
MATCH (a:Author)
WHERE a.papers >= $min_papers
RETURN a.id AS id
ORDER BY a.papers DESC, id
LIMIT $limit
