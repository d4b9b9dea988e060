// Graph export for the Python engine: every paper id, year (0 = unknown) and tie weight (0 = a
// paper).
MATCH (p:Paper)
RETURN p.id AS id, coalesce(p.year, 0) AS year, coalesce(p.tie, 0.0) AS tie
