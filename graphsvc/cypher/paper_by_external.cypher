MATCH (x:PaperId {kind: $kind, value: $value})
RETURN x.paper AS id
