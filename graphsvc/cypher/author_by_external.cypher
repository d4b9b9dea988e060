MATCH (x:AuthorId {kind: $kind, value: $value})
RETURN x.author AS id
