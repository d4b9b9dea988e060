// Author ids that live on as aliases: merged away (active merges) or split off and undone.
MATCH (o:Override)
WHERE (o.kind = 'merge' AND o.active) OR (o.kind = 'split' AND NOT o.active)
RETURN o.subject AS alias, o.object AS target
ORDER BY o.id
