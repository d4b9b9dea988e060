// Remove evidence rows of an author (by variant and rule).
UNWIND $rows AS row
MATCH (e:Evidence {author: $id, variant: row.variant, rule: row.rule})
DETACH DELETE e
