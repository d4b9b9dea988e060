// The next free override id.
OPTIONAL MATCH (o:Override)
RETURN coalesce(max(o.id), 0) + 1 AS id
