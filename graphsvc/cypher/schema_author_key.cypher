// Authors by match key.
CREATE INDEX author_key IF NOT EXISTS FOR (a:Author) ON (a.key)
