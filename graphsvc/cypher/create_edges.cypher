// Co-author edges of pairs with an author new in this batch (so no edge yet), rows
// [lower id, higher id, papers, weight, first_year, last_year]: the batch's joint papers are
// all the pair has. Stored once, lower id -> higher id; cost = 1 / papers.
UNWIND $rows AS row
MATCH (a:Author {id: row[0]})
MATCH (b:Author {id: row[1]})
CREATE (a)-[:COAUTHOR {papers: row[2], weight: row[3], cost: 1.0 / row[2],
                       first_year: row[4], last_year: row[5]}]->(b)
