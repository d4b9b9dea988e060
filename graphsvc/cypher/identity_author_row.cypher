// Identity overrides: an author's id, display name and match key (or no row).
MATCH (a:Author {id: $id})
RETURN a.id AS id, a.name AS name, a.key AS key
