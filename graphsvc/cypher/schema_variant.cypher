// One variant per author, spelling and source (the embedded store's primary key).
CREATE CONSTRAINT variant_key IF NOT EXISTS FOR (v:Variant) REQUIRE (v.author, v.name, v.source) IS UNIQUE
