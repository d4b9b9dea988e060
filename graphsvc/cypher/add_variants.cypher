// Name variants of authors that existed before the batch: a new spelling is created, a known
// one counts this batch's authorships written with it (rows are one per variant, with the
// batch's count), as the embedded store's upsert does. apply_batch skips a batch whose
// transaction already committed (Meta applied_batch), so a retry never counts twice.
UNWIND $rows AS row
MATCH (a:Author {id: row.author})
MERGE (v:Variant {author: row.author, name: row.name, source: row.source})
ON CREATE SET v.key = row.key, v.spell = row.spell, v.sig = row.sig,
              v.initials_only = row.initials_only, v.tokens = row.tokens, v.count = 0
SET v.count = v.count + row.count
MERGE (a)-[:HAS_VARIANT]->(v)
