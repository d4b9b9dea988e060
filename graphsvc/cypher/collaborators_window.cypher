// Collaborators within a year window, aggregated from the counted joint papers of known year
// in [$year_from, $year_to]; same order as collaborators.cypher.
MATCH (:Author {id: $id})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(b:Author)
WHERE p.counted AND p.year IS NOT NULL AND p.year >= $year_from AND p.year <= $year_to
WITH b, count(DISTINCT p) AS papers, sum(1.0 / (p.n_authors - 1)) AS weight,
     min(p.year) AS first_year, max(p.year) AS last_year
WHERE papers >= $min_papers
WITH b, papers, weight, first_year, last_year
ORDER BY papers DESC, last_year DESC, b.sort_name, b.id
WITH collect({id: b.id, name: b.name, papers: papers, weight: weight,
              first_year: first_year, last_year: last_year}) AS rows
RETURN size(rows) AS total, rows[$offset..($offset + $limit)] AS page
