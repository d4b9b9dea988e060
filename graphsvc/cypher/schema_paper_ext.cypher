// An external paper id (doi, dblp, arxiv, openalex, s2, edge, ref) names exactly one paper.
CREATE CONSTRAINT paper_ext_id IF NOT EXISTS FOR (x:PaperId) REQUIRE (x.kind, x.value) IS UNIQUE
