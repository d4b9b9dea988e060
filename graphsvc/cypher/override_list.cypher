// Overrides newest first, all ($author null) or about one author, one page and the total.
MATCH (o:Override)
WHERE $author IS NULL OR o.subject = $author OR o.object = $author
WITH o
ORDER BY o.id DESC
WITH collect(o) AS found
RETURN size(found) AS total,
       [o IN found[$offset..($offset + $limit)] | o {.id, .kind, .subject, .object, .payload,
        .who, .when, .why, .active, .undone_who, .undone_when, .undone_why}] AS page
