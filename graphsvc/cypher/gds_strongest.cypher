// Strongest chain: Dijkstra in the projected GDS graph (gds_project.cypher), twice. Over `cost`
// (Σ 1 / joint papers) it finds the least cost, `best`; over `ranked` (cost + a tiny price per
// hop) a chain of that cost with the fewest hops, unless two costs differ by less than the
// price of the hops saved: the caller then keeps the `best` chain (neo4j_native.py).
MATCH (s:Author {id: $source})
MATCH (t:Author {id: $target})
CALL gds.shortestPath.dijkstra.stream($graph, {
  sourceNode: s, targetNode: t, relationshipWeightProperty: 'cost'
})
YIELD totalCost AS best, nodeIds AS bestIds
CALL gds.shortestPath.dijkstra.stream($graph, {
  sourceNode: s, targetNode: t, relationshipWeightProperty: 'ranked'
})
YIELD totalCost, nodeIds
RETURN best, [n IN gds.util.asNodes(bestIds) | n.id] AS best_ids,
       totalCost AS ranked, [n IN gds.util.asNodes(nodeIds) | n.id] AS ids
