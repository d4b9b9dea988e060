// The in-memory GDS graph for strongest paths: authors and undirected co-author edges with
// cost = 1 / joint papers.
CALL gds.graph.project($graph, 'Author', {COAUTHOR: {orientation: 'UNDIRECTED', properties: 'cost'}})
YIELD graphName, nodeCount, relationshipCount
RETURN graphName, nodeCount, relationshipCount
