// Active overrides made after $id that touch any of $ids (they must be undone first).
MATCH (o:Override)
WHERE o.id > $id AND o.active AND (o.subject IN $ids OR o.object IN $ids)
RETURN o.id AS id
ORDER BY id
