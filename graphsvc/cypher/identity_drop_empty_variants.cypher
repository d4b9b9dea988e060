// Variants whose authorships all moved away (their count, recomputed from the facts, is 0).
MATCH (:Author {id: $id})-[:HAS_VARIANT]->(v:Variant)
WHERE v.count <= 0
DETACH DELETE v
