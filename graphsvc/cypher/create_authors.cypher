// New authors of a batch with their name variants. CREATE, not MERGE: the ids are new (the
// ingest hands them out under the writer's lease) and apply_batch skips a batch whose
// transaction already committed (Meta applied_batch), so a retry never creates twice. The
// paper count and search tokens are complete: all of a new author's authorships and variants
// are in this batch.
UNWIND $rows AS row
CREATE (a:Author {id: row.id, name: row.name, sort_name: row.sort_name, key: row.key,
                  papers: row.papers, search: row.search})
WITH a, row
UNWIND row.variants AS v
CREATE (a)-[:HAS_VARIANT]->(:Variant {author: row.id, name: v.name, source: v.source, key: v.key,
                                      spell: v.spell, sig: v.sig, initials_only: v.initials_only,
                                      tokens: v.tokens, count: v.count})
