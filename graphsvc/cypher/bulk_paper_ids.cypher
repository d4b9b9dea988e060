// LOAD CSV of paper_ids.csv; HAS_ID is made from the paper property (paper_has_id.csv holds
// the same pairs for the import tool).
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (p:Paper {id: toInteger(row.`paper:long`)})
  CREATE (p)-[:HAS_ID]->(:PaperId {kind: row.kind, value: row.value,
                                    paper: toInteger(row.`paper:long`)})
} IN TRANSACTIONS OF 10000 ROWS
