// Skipped input of a run, in the order it was reported.
CREATE CONSTRAINT skipped_key IF NOT EXISTS FOR (s:Skipped) REQUIRE (s.run_id, s.seq) IS UNIQUE
