// Strongest chain: Dijkstra over cost = 1 / joint papers in the projected GDS graph.
MATCH (s:Author {id: $source})
MATCH (t:Author {id: $target})
CALL gds.shortestPath.dijkstra.stream($graph, {
  sourceNode: s, targetNode: t, relationshipWeightProperty: 'cost'
})
YIELD totalCost, nodeIds
RETURN totalCost AS cost, [n IN gds.util.asNodes(nodeIds) | n.id] AS ids
