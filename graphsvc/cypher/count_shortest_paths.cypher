// The number of shortest chains, counted up to $max_paths.
MATCH (s:Author {id: $source})
MATCH (t:Author {id: $target})
MATCH p = allShortestPaths((s)-[:COAUTHOR*..32]-(t))
WITH p LIMIT $max_paths
RETURN count(p) AS paths, min(length(p)) AS length
