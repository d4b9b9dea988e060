// The next free author and paper ids (the ingest hands out ids from here on).
CALL () {
  OPTIONAL MATCH (a:Author) WHERE a.id IS NOT NULL
  RETURN a.id AS last_author ORDER BY a.id DESC LIMIT 1
}
CALL () {
  OPTIONAL MATCH (p:Paper) WHERE p.id IS NOT NULL
  RETURN p.id AS last_paper ORDER BY p.id DESC LIMIT 1
}
RETURN coalesce(last_author, 0) + 1 AS next_author, coalesce(last_paper, 0) + 1 AS next_paper
