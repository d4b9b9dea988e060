// Every ingest run, oldest first; a 'running' run whose lease ran out is shown 'interrupted'.
MATCH (r:IngestRun)
WHERE r.id IS NOT NULL
RETURN r.id AS id, r.started AS started, r.finished AS finished, r.paths AS paths,
       CASE WHEN r.status = 'running' AND coalesce(r.heartbeat, 0) < timestamp() - $lease_ms
            THEN 'interrupted' ELSE r.status END AS status
ORDER BY r.id
