// Store totals; excluded papers have co-authors but more than the team-size cap.
CALL () { MATCH (a:Author) RETURN count(a) AS authors }
CALL () { MATCH (p:Paper) RETURN count(p) AS papers }
CALL () { MATCH (:Author)-[e:COAUTHOR]->(:Author) RETURN count(e) AS edges }
CALL () {
  MATCH (p:Paper) WHERE NOT p.counted AND p.n_authors >= 2
  RETURN count(p) AS excluded_papers
}
RETURN authors, papers, edges, excluded_papers
