// The in-memory GDS graph for strongest paths: every author, and the undirected co-author
// edges with two weights: `cost` = 1 / joint papers (1 / weight for a tie without papers, as
// stored), and `ranked` = cost + $hop, a tiny price per hop, so that among equally strong
// chains Dijkstra takes one with the fewest hops, as the engine does (gds_strongest.cypher).
MATCH (a:Author)
OPTIONAL MATCH (a)-[e:COAUTHOR]->(b:Author)
WITH gds.graph.project($graph, a, b, {
  relationshipProperties: CASE WHEN e IS NULL THEN {} ELSE {cost: e.cost, ranked: e.cost + $hop} END
}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.graphName AS graphName, g.nodeCount AS nodeCount, g.relationshipCount AS relationshipCount
