// A new ingest run, numbered after the last one; MERGE on the client's token makes a retried
// transaction return the same run. Its lease starts now (graphsvc/store/neo4j_runs.py).
CALL () {
  OPTIONAL MATCH (old:IngestRun) WHERE old.id IS NOT NULL
  RETURN old.id AS last ORDER BY old.id DESC LIMIT 1
}
MERGE (r:IngestRun {uid: $uid})
ON CREATE SET r.id = coalesce(last, 0) + 1, r.started = $started, r.paths = $paths,
              r.status = 'running', r.heartbeat = timestamp()
RETURN r.id AS id
