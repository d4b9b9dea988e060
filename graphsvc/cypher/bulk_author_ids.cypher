// LOAD CSV of author_ids.csv; HAS_ID is made from the author property (author_has_id.csv
// holds the same pairs for the import tool).
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (a:Author {id: toInteger(row.`author:long`)})
  CREATE (a)-[:HAS_ID]->(:AuthorId {kind: row.kind, value: row.value,
                                     author: toInteger(row.`author:long`)})
} IN TRANSACTIONS OF 10000 ROWS
