// New papers of a batch.
UNWIND $rows AS row
MERGE (p:Paper {id: row.id})
ON CREATE SET p.title = row.title, p.title_key = row.title_key, p.year = row.year,
              p.venue = row.venue, p.doi = row.doi, p.n_authors = row.n_authors,
              p.counted = row.counted, p.sources = []
