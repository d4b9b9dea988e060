// Graph export for the Python engine: every author id.
MATCH (a:Author)
RETURN a.id AS id
