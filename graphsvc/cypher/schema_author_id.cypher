// One node per author: the store's integer id is the key every other fact refers to.
CREATE CONSTRAINT author_id IF NOT EXISTS FOR (a:Author) REQUIRE a.id IS UNIQUE
