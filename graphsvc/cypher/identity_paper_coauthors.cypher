// An author's papers with their other authors (co-author groups for the conflation check).
MATCH (a:Author {id: $id})-[:AUTHORED]->(p:Paper)
RETURN p.id AS paper, p.year AS year, p.venue AS venue, p.counted AS counted,
       COLLECT {
         MATCH (p)<-[r:AUTHORED]-(o:Author)
         WHERE o.id <> a.id
         RETURN o.id ORDER BY r.position
       } AS others
ORDER BY paper
