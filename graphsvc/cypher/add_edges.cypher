// Co-author edges of pairs of authors that existed before the batch, rows [lower id, higher id,
// papers, weight, first_year, last_year] of the batch's new joint papers, added as the embedded
// store's upsert adds them (a pair known only from ties takes the papers' weight). apply_batch
// skips a batch whose transaction already committed (Meta applied_batch), so a retry never
// adds twice.
UNWIND $rows AS row
MATCH (a:Author {id: row[0]})
MATCH (b:Author {id: row[1]})
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
