// Identity resolution: candidates with the same match key.
CREATE INDEX variant_match_key IF NOT EXISTS FOR (v:Variant) ON (v.key)
