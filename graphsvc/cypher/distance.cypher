// Collaboration distance with Neo4j's bidirectional shortest-path search. A variable-length
// bound cannot be a parameter, so the search stops at 32 hops (neo4j_native.MAX_HOPS) and
// graphsvc applies the caller's smaller max_length to the answer.
MATCH (s:Author {id: $source})
MATCH (t:Author {id: $target})
MATCH p = shortestPath((s)-[:COAUTHOR*..32]-(t))
RETURN length(p) AS length
