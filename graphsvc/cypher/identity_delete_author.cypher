// Remove an author left without authorships by a merge (or an undone split), with its
// variants and evidence; its external ids were moved before.
MATCH (a:Author {id: $id})
CALL (a) {
  MATCH (a)-[:HAS_VARIANT]->(v:Variant)
  DETACH DELETE v
}
CALL (a) {
  MATCH (a)-[:HAS_EVIDENCE]->(e:Evidence)
  DETACH DELETE e
}
DETACH DELETE a
