// LOAD CSV of the neo4j-admin export's authors.csv (the fallback when the import tool is not
// at hand). Empty fields are null, as the import tool leaves them unset.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  CREATE (:Author {id: toInteger(row.`id:ID(Author)`), name: row.name, sort_name: row.sort_name,
                   key: row.key, papers: toInteger(row.`papers:int`),
                   search: coalesce(row.search, '')})
} IN TRANSACTIONS OF 10000 ROWS
