// A variant's count is the number of authorships written with that spelling from that source:
// derived from the facts, so a retried transaction cannot count twice. Each row finds its
// variant and author by their unique keys (the hints keep the planner there: a plan made
// while the store was small once scanned every variant for every row, 12 minutes per batch).
UNWIND $rows AS row
MATCH (v:Variant {author: row.author, name: row.name, source: row.source})
USING INDEX v:Variant(author, name, source)
MATCH (a:Author {id: row.author})
USING INDEX a:Author(id)
SET v.count = COUNT { (a)-[r:AUTHORED]->(:Paper) WHERE r.raw_name = v.name AND r.source = v.source }
