// Authors with a variant of exactly this match key; a key without a dblp homonym number also
// finds its numbered homonyms ("Wei Liu" finds "Wei Liu 0001" and "Wei Liu 0014").
CALL () {
  MATCH (v:Variant {key: $key})
  RETURN v.author AS aid
  UNION
  MATCH (v:Variant)
  WHERE $with_homonyms AND v.key STARTS WITH $homonym_prefix
  RETURN v.author AS aid
}
MATCH (a:Author {id: aid})
RETURN a.id AS id, a.name AS name, a.papers AS papers
ORDER BY papers DESC, id
