// Name and paper count of many authors (ego networks, paths).
UNWIND $ids AS aid
MATCH (a:Author {id: aid})
RETURN a.id AS id, a.name AS name, a.papers AS papers
