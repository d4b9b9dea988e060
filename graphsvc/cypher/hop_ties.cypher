// The tie weight of the hops of a chain that rest on a co-authorship tie alone (an edge with
// no joint papers, from an edge list or GML), as the engine reports them.
UNWIND $hops AS hop
MATCH (:Author {id: hop[0]})-[e:COAUTHOR]-(:Author {id: hop[1]})
WHERE e.papers = 0
RETURN hop[0] AS source, hop[1] AS target, e.weight AS weight
