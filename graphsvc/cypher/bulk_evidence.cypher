// LOAD CSV of evidence.csv; HAS_EVIDENCE is made from the author property.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (a:Author {id: toInteger(row.`author:long`)})
  CREATE (a)-[:HAS_EVIDENCE]->(:Evidence {author: toInteger(row.`author:long`),
                                          variant: row.variant, rule: row.rule,
                                          detail: coalesce(row.detail, '')})
} IN TRANSACTIONS OF 10000 ROWS
