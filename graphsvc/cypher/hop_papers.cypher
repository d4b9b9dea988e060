// Evidence for the hops of a chain: the counted papers both ends of each hop wrote.
UNWIND $hops AS hop
MATCH (:Author {id: hop[0]})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(:Author {id: hop[1]})
WHERE p.counted AND p.tie IS NULL
RETURN hop[0] AS source, hop[1] AS target, p.id AS id, p.title AS title, p.year AS year,
       p.venue AS venue, p.doi AS doi,
       head(COLLECT {
         MATCH (p)-[:HAS_ID]->(x:PaperId) WHERE x.kind <> 'doi'
         RETURN x.kind + ':' + x.value ORDER BY x.kind, x.value
       }) AS source_id
