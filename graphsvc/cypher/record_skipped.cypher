// Skipped input of a run, numbered so that a retry writes the same rows.
MATCH (r:IngestRun {id: $run_id})
UNWIND $rows AS row
MERGE (s:Skipped {run_id: $run_id, seq: row.seq})
ON CREATE SET s.source_ref = row.source_ref, s.reason = row.reason, s.detail = row.detail
MERGE (r)-[:SKIPPED]->(s)
