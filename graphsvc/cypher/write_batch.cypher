// The bulk of one ingest batch in one statement (batch_statements): its new authors with
// their variants and evidence, its new papers with their authorships and external ids, its
// co-author edges, and the variants, evidence and counters of the authors it adds to.
// Every author is found once: $old (ids of the authors from before the batch it touches,
// ascending) are matched, the new ones created, both collected in id order into `au`, and
// every row names its authors by their position in `au` instead of an index seek per use.
// CREATE, not MERGE, for what is new (the ids are handed out under the writer's lease, and
// apply_batch skips a batch whose transaction already committed: Meta applied_batch), so a
// retry never creates or adds twice. Returns the ids in `au`: apply_batch checks them
// against the positions it used (a missing author rolls the batch back).
// replan=skip: every look-up here is a unique-constraint seek whatever the statistics say, and
// an ingest from empty changes the statistics so fast that the server planned this statement
// again and again (5-8 % of its time in the planner).
CYPHER replan=skip
CALL () {
  UNWIND $old AS id
  MATCH (a:Author {id: id})
  WITH a ORDER BY a.id
  RETURN collect(a) AS olds
}
CALL () {
  UNWIND $authors AS row
  CREATE (a:Author {id: row.id, name: row.name, sort_name: row.sort_name, key: row.key,
                    papers: row.papers, search: row.search})
  WITH a, row
  CALL (a, row) {
    UNWIND row.variants AS v
    CREATE (a)-[:HAS_VARIANT]->(:Variant {author: row.id, name: v.name, source: v.source,
                                          key: v.key, spell: v.spell, sig: v.sig,
                                          initials_only: v.initials_only, tokens: v.tokens,
                                          count: v.count})
  }
  CALL (a, row) {
    UNWIND row.evidence AS e
    CREATE (a)-[:HAS_EVIDENCE]->(:Evidence {author: row.id, variant: e[0], rule: e[1],
                                            detail: e[2]})
  }
  WITH a ORDER BY a.id
  RETURN collect(a) AS news
}
WITH olds + news AS au
// new papers, rows {…, authors: [[position in au, position, raw name, source]], new_ids and
// ids: [[kind, value]]}: new_ids no paper holds (Batch.fresh_paper_ids), ids may be held by
// another paper, which keeps them (INSERT OR IGNORE)
CALL (au) {
  UNWIND $papers AS row
  CREATE (p:Paper {id: row.id, title: row.title, title_key: row.title_key, year: row.year,
                   venue: row.venue, doi: row.doi, n_authors: row.n_authors,
                   counted: row.counted, tie: row.tie, sources: row.sources})
  WITH au, p, row
  CALL (p, row) {
    UNWIND row.new_ids AS i
    CREATE (p)-[:HAS_ID]->(:PaperId {kind: i[0], value: i[1], paper: row.id})
  }
  CALL (p, row) {
    UNWIND row.ids AS i
    MERGE (x:PaperId {kind: i[0], value: i[1]})
    ON CREATE SET x.paper = row.id
    WITH p, x, row
    WHERE x.paper = row.id
    CREATE (p)-[:HAS_ID]->(x)
  }
  UNWIND row.authors AS s
  WITH au[s[0]] AS a, p, s
  CREATE (a)-[:AUTHORED {position: s[1], raw_name: s[2], source: s[3]}]->(p)
}
// name variants of the authors from before the batch, rows {at: position in au, …, count}:
// a new spelling is created, a known one counts this batch's authorships written with it
CALL (au) {
  UNWIND $variants AS row
  WITH au[row.at] AS a, row
  MERGE (v:Variant {author: row.author, name: row.name, source: row.source})
  ON CREATE SET v.key = row.key, v.spell = row.spell, v.sig = row.sig,
                v.initials_only = row.initials_only, v.tokens = row.tokens, v.count = 0
  SET v.count = v.count + row.count
  MERGE (a)-[:HAS_VARIANT]->(v)
}
// their paper counts, rows [position in au, papers, brought variants]; the search tokens are
// refreshed when the batch brought variants (written only when they changed, so the
// full-text index is not updated for nothing)
CALL (au) {
  UNWIND $counts AS row
  WITH au[row[0]] AS a, row
  SET a.papers = a.papers + row[1]
  WITH a, row
  WHERE row[2]
  WITH a, COLLECT { MATCH (a)-[:HAS_VARIANT]->(v:Variant) UNWIND v.tokens AS t RETURN DISTINCT t ORDER BY t } AS tokens
  WITH a, reduce(s = '', t IN tokens | s + CASE WHEN s = '' THEN '' ELSE ' ' END + t) AS search
  WHERE a.search IS NULL OR a.search <> search
  SET a.search = search
}
// their evidence, rows [position in au, author, variant, rule, detail] (INSERT OR IGNORE)
CALL (au) {
  UNWIND $evidence AS row
  WITH au[row[0]] AS a, row
  MERGE (e:Evidence {author: row[1], variant: row[2], rule: row[3]})
  ON CREATE SET e.detail = row[4]
  MERGE (a)-[:HAS_EVIDENCE]->(e)
}
// co-author edges of pairs with an author new in the batch, rows [position of the lower id,
// position of the higher id, papers, weight, first_year, last_year]: no edge yet, the batch's
// joint papers are all the pair has. Stored once, lower id -> higher id; cost = 1 / papers.
CALL (au) {
  UNWIND $new_edges AS row
  WITH au[row[0]] AS a, au[row[1]] AS b, row
  CREATE (a)-[:COAUTHOR {papers: row[2], weight: row[3], cost: 1.0 / row[2],
                         first_year: row[4], last_year: row[5]}]->(b)
}
// co-author edges of pairs from before the batch, rows as above with the batch's increments,
// added as the embedded store's upsert adds them (a pair known only from ties takes the
// papers' weight)
CALL (au) {
  UNWIND $edges AS row
  WITH au[row[0]] AS a, au[row[1]] AS b, row
  MERGE (a)-[e:COAUTHOR]->(b)
  ON CREATE SET e.papers = 0, e.weight = 0.0
  WITH e, row, e.papers + row[2] AS papers,
       CASE WHEN e.papers = 0 THEN row[3] ELSE e.weight + row[3] END AS weight,
       CASE WHEN e.first_year IS NULL OR row[4] < e.first_year THEN coalesce(row[4], e.first_year)
            ELSE e.first_year END AS first_year,
       CASE WHEN e.last_year IS NULL OR row[5] > e.last_year THEN coalesce(row[5], e.last_year)
            ELSE e.last_year END AS last_year
  SET e.papers = papers, e.weight = weight, e.cost = 1.0 / papers, e.first_year = first_year,
      e.last_year = last_year
}
RETURN [a IN au | a.id] AS ids
