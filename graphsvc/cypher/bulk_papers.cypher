// LOAD CSV of the neo4j-admin export's papers.csv (sources: a ';'-separated string array).
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  CREATE (:Paper {id: toInteger(row.`id:ID(Paper)`), title: row.title, title_key: row.title_key,
                  year: toInteger(row.`year:int`), venue: row.venue, doi: row.doi,
                  n_authors: toInteger(row.`n_authors:int`),
                  counted: toBoolean(row.`counted:boolean`), tie: toFloat(row.`tie:double`),
                  sources: CASE WHEN row.`sources:string[]` IS NULL THEN []
                                ELSE split(row.`sources:string[]`, ';') END})
} IN TRANSACTIONS OF 10000 ROWS
