// Store totals; excluded papers have co-authors but more than the team-size cap; ties (edge
// lists, GML) are no papers.
CALL () { MATCH (a:Author) RETURN count(a) AS authors }
CALL () { MATCH (p:Paper) WHERE p.tie IS NULL RETURN count(p) AS papers }
CALL () { MATCH (p:Paper) WHERE p.tie IS NOT NULL AND p.n_authors = 2 RETURN count(p) AS ties }
CALL () { MATCH (:Author)-[e:COAUTHOR]->(:Author) RETURN count(e) AS edges }
CALL () {
  MATCH (p:Paper) WHERE NOT p.counted AND p.n_authors >= 2
  RETURN count(p) AS excluded_papers
}
RETURN authors, papers, ties, edges, excluded_papers
