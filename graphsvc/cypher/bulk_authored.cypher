// LOAD CSV of authored.csv: who wrote which paper, at which position.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (a:Author {id: toInteger(row[':START_ID(Author)'])})
  MATCH (p:Paper {id: toInteger(row[':END_ID(Paper)'])})
  CREATE (a)-[:AUTHORED {position: toInteger(row.`position:int`), raw_name: row.raw_name,
                         source: row.source}]->(p)
} IN TRANSACTIONS OF 10000 ROWS
