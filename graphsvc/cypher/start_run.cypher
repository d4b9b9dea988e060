// A new ingest run, numbered after the last one; MERGE on the client's token makes a retried
// transaction return the same run.
CALL () {
  OPTIONAL MATCH (old:IngestRun) WHERE old.id IS NOT NULL
  RETURN old.id AS last ORDER BY old.id DESC LIMIT 1
}
MERGE (r:IngestRun {uid: $uid})
ON CREATE SET r.id = coalesce(last, 0) + 1, r.started = $started, r.paths = $paths,
              r.status = 'running'
RETURN r.id AS id
