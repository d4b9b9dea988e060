// Where each paper was read from (a set of source refs on the paper).
UNWIND $rows AS row
MATCH (p:Paper {id: row.paper})
SET p.sources = coalesce(p.sources, []) + [ref IN row.refs WHERE NOT ref IN coalesce(p.sources, [])]
