// Papers and degree inside a year window of the authors of an ego network, as the engine's
// window graph counts them: papers with a known year in the window; co-authors on the counted
// ones.
UNWIND $ids AS aid
MATCH (a:Author {id: aid})
RETURN a.id AS id,
       COUNT {
         MATCH (a)-[:AUTHORED]->(p:Paper)
         WHERE p.year IS NOT NULL AND p.year >= $year_from AND p.year <= $year_to
       } AS papers,
       COUNT {
         MATCH (a)-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(b:Author)
         WHERE b <> a AND p.counted AND p.year IS NOT NULL AND p.year >= $year_from
           AND p.year <= $year_to
         RETURN DISTINCT b
       } AS degree
