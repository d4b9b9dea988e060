// One breadth-first step: the co-authors of a frontier over edges of >= $min_papers papers.
UNWIND $frontier AS fid
MATCH (f:Author {id: fid})-[e:COAUTHOR]-(n:Author)
WHERE (e.papers >= $min_papers OR $min_papers <= 1)
RETURN f.id AS source, n.id AS target, e.papers AS papers
