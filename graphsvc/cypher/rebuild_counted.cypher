// A new team-size cap: which papers add co-author edges ($cap = 0: no cap). Batched, so a
// graph of any size is rewritten without one huge transaction.
MATCH (p:Paper)
CALL (p) {
  SET p.counted = (p.n_authors >= 2 AND ($cap = 0 OR p.n_authors <= $cap))
} IN TRANSACTIONS OF 10000 ROWS
