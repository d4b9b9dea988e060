// Identity resolution: candidates with the same initials signature.
CREATE INDEX variant_sig IF NOT EXISTS FOR (v:Variant) ON (v.sig)
