// One override per id (overrides are numbered like the embedded store's rows).
CREATE CONSTRAINT override_id IF NOT EXISTS FOR (o:Override) REQUIRE o.id IS UNIQUE
