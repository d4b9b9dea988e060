// Author search, step 2: authors whose tokens match every query token (Lucene query built by
// graphsvc from folded tokens); graphsvc ranks them with the embedded store's rules.
CALL db.index.fulltext.queryNodes('author_search', $lucene, {limit: $cap}) YIELD node
RETURN node.id AS id, node.name AS name, node.papers AS papers, node.key AS key,
       node.search AS tokens
