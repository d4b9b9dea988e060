// Identity overrides: an author's name variants with their keys and counts.
MATCH (:Author {id: $id})-[:HAS_VARIANT]->(v:Variant)
RETURN v.name AS name, v.source AS source, v.key AS key, v.sig AS sig,
       v.initials_only AS initials_only, v.count AS count
ORDER BY name, source
