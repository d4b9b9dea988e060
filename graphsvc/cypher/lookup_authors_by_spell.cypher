// Identity candidates of many spelling keys in one round trip (authors_by_spell for each):
// one row per (spell, author), authors in id order within a spell.
UNWIND $spells AS spell
CALL (spell) {
  MATCH (v:Variant {spell: spell})
  WITH v.author AS aid, min(CASE WHEN v.initials_only THEN 1 ELSE 0 END) = 1 AS initials_only
  MATCH (a:Author {id: aid})
  RETURN a, initials_only
}
RETURN spell AS lookup, a.id AS id, a.key AS key, initials_only,
       COLLECT { MATCH (a)-[:HAS_ID]->(x:AuthorId) RETURN [x.kind, x.value] ORDER BY x.kind, x.value } AS ids
ORDER BY lookup, id
