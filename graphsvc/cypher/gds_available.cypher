// Is the Graph Data Science library installed (gds.version and the procedures we call)?
SHOW PROCEDURES YIELD name
WHERE name IN ['gds.version', 'gds.graph.project', 'gds.shortestPath.dijkstra.stream']
RETURN count(name) AS found
