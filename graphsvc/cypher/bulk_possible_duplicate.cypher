// LOAD CSV of possible_duplicate.csv.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (a:Author {id: toInteger(row[':START_ID(Author)'])})
  MATCH (b:Author {id: toInteger(row[':END_ID(Author)'])})
  CREATE (a)-[:POSSIBLE_DUPLICATE {reason: row.reason,
                                   score: toFloat(row.`score:double`)}]->(b)
} IN TRANSACTIONS OF 10000 ROWS
