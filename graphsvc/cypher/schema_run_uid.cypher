// The client-made token that makes starting a run idempotent under driver retries.
CREATE CONSTRAINT ingest_run_uid IF NOT EXISTS FOR (r:IngestRun) REQUIRE r.uid IS UNIQUE
