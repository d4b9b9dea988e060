// Author detail: name, paper count, name variants (most used first) and external ids.
MATCH (a:Author {id: $id})
RETURN a.id AS id, a.name AS name, a.key AS key, a.papers AS papers,
       COLLECT {
         MATCH (a)-[:HAS_VARIANT]->(v:Variant)
         RETURN v {.name, .source, .count} ORDER BY v.count DESC, v.name, v.source
       } AS variants,
       COLLECT {
         MATCH (a)-[:HAS_ID]->(x:AuthorId)
         RETURN x {.kind, .value} ORDER BY x.kind, x.value
       } AS ids
