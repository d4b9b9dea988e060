// The papers holding many external ids ([kind, value] pairs) in one round trip; ids no paper
// holds give no row.
UNWIND $pairs AS pair
MATCH (x:PaperId {kind: pair[0], value: pair[1]})
RETURN pair[0] AS kind, pair[1] AS value, x.paper AS id
