// Graph export for the Python engine: every paper id and year (0 = unknown).
MATCH (p:Paper)
RETURN p.id AS id, coalesce(p.year, 0) AS year
