// Every (author, variant match key) once, for the duplicate finder, as [author, key,
// initials_only] rows in chunks of $chunk per record: the driver decodes one list far faster
// than as many records (41,527 rows: 2.6-3.4 s as records, 0.5-1.2 s in chunks of 10,000).
// The sort holds every row on the server either way.
MATCH (v:Variant)
WHERE v.key <> ''
WITH v.author AS author, v.key AS key,
     min(CASE WHEN v.initials_only THEN 1 ELSE 0 END) = 1 AS initials_only
ORDER BY author, key
WITH collect([author, key, initials_only]) AS rows
UNWIND range(0, size(rows) - 1, $chunk) AS at
RETURN rows[at..at + $chunk] AS chunk
