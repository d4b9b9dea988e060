// The number of shortest chains (counted up to $max_paths) and the first $limit of them in the
// engine's deterministic order (as shortest_paths), with their authors' names: one search and
// one round trip where count_shortest_paths + shortest_paths + author_summaries took three.
MATCH (s:Author {id: $source})
MATCH (t:Author {id: $target})
MATCH p = allShortestPaths((s)-[:COAUTHOR*..32]-(t))
WITH p LIMIT $max_paths
WITH p, reduce(k = [], i IN range(0, length(p) - 1) |
               k + [-relationships(p)[i].papers, nodes(p)[i + 1].id]) AS preference
ORDER BY preference
WITH count(p) AS paths, min(length(p)) AS length,
     collect([n IN nodes(p) | {id: n.id, name: n.name}])[..$limit] AS chains
RETURN paths, length, chains
