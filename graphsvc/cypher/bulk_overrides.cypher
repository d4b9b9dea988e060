// LOAD CSV of overrides.csv (manual merges and splits).
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  CREATE (:Override {id: toInteger(row.`id:ID(Override)`), kind: row.kind,
                     subject: toInteger(row.`subject:long`), object: toInteger(row.`object:long`),
                     payload: row.payload, who: row.who, when: row.when, why: row.why,
                     active: toBoolean(row.`active:boolean`), undone_who: row.undone_who,
                     undone_when: row.undone_when, undone_why: row.undone_why})
} IN TRANSACTIONS OF 10000 ROWS
