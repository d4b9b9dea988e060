// An external author id (orcid, dblp, openalex, s2, node) names exactly one author.
CREATE CONSTRAINT author_ext_id IF NOT EXISTS FOR (x:AuthorId) REQUIRE (x.kind, x.value) IS UNIQUE
