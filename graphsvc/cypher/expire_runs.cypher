// Runs still 'running' whose lease ran out (no heartbeat for $lease_ms, by the server's clock)
// belong to a process that died: they are 'interrupted'.
MATCH (r:IngestRun {status: 'running'})
WHERE coalesce(r.heartbeat, 0) < timestamp() - $lease_ms
SET r.status = 'interrupted'
RETURN count(r) AS interrupted
