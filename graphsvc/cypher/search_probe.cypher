// Author search, step 1: for each query token, does any author token match it exactly or
// (last token) as a prefix? Typo tolerance is only tried for tokens where nothing does.
UNWIND $probes AS probe
CALL (probe) {
  CALL db.index.fulltext.queryNodes('author_search', probe, {limit: 1}) YIELD node
  RETURN count(node) AS hits
}
RETURN probe, hits
