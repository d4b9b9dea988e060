// Store-wide settings and the change token (max_team_size, generation, schema_version).
CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (m:Meta) REQUIRE m.key IS UNIQUE
