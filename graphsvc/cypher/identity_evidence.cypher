// Why each variant of an author was attached to it (graphsvc explain, identity overrides).
MATCH (:Author {id: $id})-[:HAS_EVIDENCE]->(e:Evidence)
RETURN e.variant AS variant, e.rule AS rule, e.detail AS detail
ORDER BY variant, rule
