UNWIND $ids AS aid
MATCH (a:Author {id: aid})
RETURN a.id AS id, a.name AS name
