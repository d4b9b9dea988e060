// The counted papers an author wrote with each of $others (optionally in a year window).
UNWIND $others AS other
MATCH (:Author {id: $id})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(:Author {id: other})
WHERE p.counted AND p.tie IS NULL
  AND (NOT $windowed OR (p.year IS NOT NULL AND p.year >= $year_from AND p.year <= $year_to))
RETURN other, p.id AS id, p.title AS title, p.year AS year, p.venue AS venue, p.doi AS doi,
       head(COLLECT {
         MATCH (p)-[:HAS_ID]->(x:PaperId) WHERE x.kind <> 'doi'
         RETURN x.kind + ':' + x.value ORDER BY x.kind, x.value
       }) AS source_id
