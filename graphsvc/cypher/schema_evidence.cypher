// Why a name was attached to an author, once per author, variant and rule.
CREATE CONSTRAINT evidence_key IF NOT EXISTS FOR (e:Evidence) REQUIRE (e.author, e.variant, e.rule) IS UNIQUE
