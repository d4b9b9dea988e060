// The ingesting process is alive: renew the lease of its run (the server's clock).
MATCH (r:IngestRun {id: $run_id})
WHERE r.status = 'running'
SET r.heartbeat = timestamp()
