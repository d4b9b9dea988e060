// Paper details; source_id is the first non-DOI id by kind (dblp:…, arxiv:…, ref:…).
UNWIND $ids AS pid
MATCH (p:Paper {id: pid})
RETURN p.id AS id, p.title AS title, p.year AS year, p.venue AS venue, p.doi AS doi,
       head(COLLECT {
         MATCH (p)-[:HAS_ID]->(x:PaperId) WHERE x.kind <> 'doi'
         RETURN x.kind + ':' + x.value ORDER BY x.kind, x.value
       }) AS source_id
