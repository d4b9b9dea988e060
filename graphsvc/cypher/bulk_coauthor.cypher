// LOAD CSV of coauthor.csv: co-author edges, lower id -> higher id.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (a:Author {id: toInteger(row[':START_ID(Author)'])})
  MATCH (b:Author {id: toInteger(row[':END_ID(Author)'])})
  CREATE (a)-[:COAUTHOR {papers: toInteger(row.`papers:int`),
                         weight: toFloat(row.`weight:double`),
                         cost: toFloat(row.`cost:double`),
                         first_year: toInteger(row.`first_year:int`),
                         last_year: toInteger(row.`last_year:int`)}]->(b)
} IN TRANSACTIONS OF 10000 ROWS
