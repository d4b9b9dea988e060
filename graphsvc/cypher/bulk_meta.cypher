// LOAD CSV of meta.csv (max_team_size, generation, reserved ids; never schema_version).
LOAD CSV WITH HEADERS FROM $url AS row
MERGE (m:Meta {key: row.key})
SET m.value = row.value
