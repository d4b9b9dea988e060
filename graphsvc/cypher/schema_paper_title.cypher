// Paper identity without ids: same normalised title (and year).
CREATE INDEX paper_title_key IF NOT EXISTS FOR (p:Paper) ON (p.title_key)
