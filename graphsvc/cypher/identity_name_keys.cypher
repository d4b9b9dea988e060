// Every (author, variant match key) once, for the duplicate finder.
MATCH (v:Variant)
WHERE v.key <> ''
RETURN v.author AS author, v.key AS key,
       min(CASE WHEN v.initials_only THEN 1 ELSE 0 END) = 1 AS initials_only
ORDER BY author, key
