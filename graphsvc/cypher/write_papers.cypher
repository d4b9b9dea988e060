// New papers of a batch; a co-authorship tie (edge list, GML) is a Paper with its weight in
// p.tie, never counted as a paper nor shown as evidence (DESIGN.md "Ties without papers").
UNWIND $rows AS row
MERGE (p:Paper {id: row.id})
ON CREATE SET p.title = row.title, p.title_key = row.title_key, p.year = row.year,
              p.venue = row.venue, p.doi = row.doi, p.n_authors = row.n_authors,
              p.counted = row.counted, p.tie = row.tie, p.sources = []
