// New papers of a batch with their authorships and sources. CREATE, not MERGE: the ids are
// new, and apply_batch skips a batch whose transaction already committed (Meta applied_batch).
// A co-authorship tie (edge list, GML) is a Paper with its weight in p.tie, never counted as a
// paper nor shown as evidence (DESIGN.md "Ties without papers").
UNWIND $rows AS row
CREATE (p:Paper {id: row.id, title: row.title, title_key: row.title_key, year: row.year,
                 venue: row.venue, doi: row.doi, n_authors: row.n_authors,
                 counted: row.counted, tie: row.tie, sources: row.sources})
WITH p, row
UNWIND row.authors AS s
MATCH (a:Author {id: s.author})
CREATE (a)-[:AUTHORED {position: s.position, raw_name: s.raw_name, source: s.source}]->(p)
