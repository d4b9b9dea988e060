// Authors that share a full-name spelling key (late joins, rule 2: identical strings): one row
// per spelling held by two or more authors. A match key counts for an author only when none of
// its variants with that key is initials-only (as identity_name_keys reads it).
MATCH (v:Variant)
WHERE v.key <> '' AND v.spell <> ''
WITH v.author AS author, v.key AS key, max(v.spell) AS spell,
     min(CASE WHEN v.initials_only THEN 1 ELSE 0 END) AS initials
WHERE initials = 0
WITH spell, collect(DISTINCT author) AS authors
WHERE size(authors) > 1
RETURN authors
