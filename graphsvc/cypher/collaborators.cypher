// Collaborators of one author from the co-author edges (min_papers 1: ties without papers too): most joint papers first, then most
// recent joint year (unknown last), then name (casefolded), then id; one page and the total.
MATCH (:Author {id: $id})-[e:COAUTHOR]-(b:Author)
WHERE (e.papers >= $min_papers OR $min_papers <= 1)
WITH b, e
ORDER BY e.papers DESC, coalesce(e.last_year, 0) DESC, b.sort_name, b.id
WITH collect({id: b.id, name: b.name, papers: e.papers, weight: e.weight,
              first_year: e.first_year, last_year: e.last_year}) AS rows
RETURN size(rows) AS total, rows[$offset..($offset + $limit)] AS page
