// Identity resolution: candidates with the same spelling key (names.parse.spelling_key).
CREATE INDEX variant_spell IF NOT EXISTS FOR (v:Variant) ON (v.spell)
