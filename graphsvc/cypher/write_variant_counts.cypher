// A variant's count is the number of authorships written with that spelling from that source:
// derived from the facts, so a retried transaction cannot count twice.
UNWIND $rows AS row
MATCH (a:Author {id: row.author})-[:HAS_VARIANT]->(v:Variant {name: row.name, source: row.source})
SET v.count = COUNT { (a)-[r:AUTHORED]->(:Paper) WHERE r.raw_name = v.name AND r.source = v.source }
