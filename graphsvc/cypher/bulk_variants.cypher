// LOAD CSV of variants.csv; HAS_VARIANT is made from the author property (has_variant.csv
// holds the same pairs for the import tool).
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (a:Author {id: toInteger(row.`author:long`)})
  CREATE (a)-[:HAS_VARIANT]->(:Variant {
    author: toInteger(row.`author:long`), name: row.name, source: row.source, key: row.key,
    spell: coalesce(row.spell, ''),
    sig: coalesce(row.sig, ''), initials_only: toBoolean(row.`initials_only:boolean`),
    tokens: CASE WHEN row.`tokens:string[]` IS NULL THEN []
                 ELSE split(row.`tokens:string[]`, ';') END,
    count: toInteger(row.`count:int`)})
} IN TRANSACTIONS OF 10000 ROWS
