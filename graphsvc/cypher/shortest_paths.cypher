// Shortest chains in the engine's deterministic order: lexicographic in the per-hop preference
// (more joint papers on the hop first, then lower author id). At most $max_paths chains are
// enumerated; graphsvc reports when that bound was reached.
MATCH (s:Author {id: $source})
MATCH (t:Author {id: $target})
MATCH p = allShortestPaths((s)-[:COAUTHOR*..32]-(t))
WITH p LIMIT $max_paths
WITH p, reduce(k = [], i IN range(0, length(p) - 1) |
               k + [-relationships(p)[i].papers, nodes(p)[i + 1].id]) AS preference
ORDER BY preference
LIMIT $limit
RETURN [n IN nodes(p) | n.id] AS ids, [r IN relationships(p) | r.papers] AS papers
