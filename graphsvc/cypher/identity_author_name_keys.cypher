// The variant match keys of one author.
MATCH (v:Variant {author: $id})
WHERE v.key <> ''
RETURN v.key AS key, min(CASE WHEN v.initials_only THEN 1 ELSE 0 END) = 1 AS initials_only
ORDER BY key
