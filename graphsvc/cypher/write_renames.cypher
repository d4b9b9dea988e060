// A better display name for an author.
UNWIND $rows AS row
MATCH (a:Author {id: row.author})
SET a.name = row.name, a.sort_name = row.sort_name
