MATCH (r:IngestRun {id: $run_id})
SET r.finished = $finished, r.status = $status, r.report = $report
