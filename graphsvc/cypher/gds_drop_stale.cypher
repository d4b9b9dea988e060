// Drop GDS graphs of earlier store generations.
CALL gds.graph.list() YIELD graphName
WHERE graphName STARTS WITH 'graphsvc-coauthor-' AND graphName <> $graph
CALL gds.graph.drop(graphName, false) YIELD graphName AS dropped
RETURN dropped
