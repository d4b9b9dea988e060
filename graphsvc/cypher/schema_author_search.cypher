// Author search: every folded name token of every variant of an author, in Author.search.
// The tokens are folded by graphsvc (accents, case, punctuation), so Lucene only splits on spaces.
CREATE FULLTEXT INDEX author_search IF NOT EXISTS FOR (a:Author) ON EACH [a.search]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}
