// New authors of a batch. MERGE (not CREATE): a retried transaction finds them already there.
UNWIND $rows AS row
MERGE (a:Author {id: row.id})
ON CREATE SET a.name = row.name, a.sort_name = row.sort_name, a.key = row.key, a.papers = 0,
              a.search = ''
