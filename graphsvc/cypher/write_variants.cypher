// Name variants (spelling + source) of authors; counts are set by write_variant_counts.
UNWIND $rows AS row
MATCH (a:Author {id: row.author})
MERGE (v:Variant {author: row.author, name: row.name, source: row.source})
ON CREATE SET v.key = row.key, v.spell = row.spell, v.sig = row.sig, v.initials_only = row.initials_only,
              v.tokens = row.tokens, v.count = 0
MERGE (a)-[:HAS_VARIANT]->(v)
