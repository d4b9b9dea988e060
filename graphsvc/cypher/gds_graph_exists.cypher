RETURN gds.graph.exists($graph) AS present
