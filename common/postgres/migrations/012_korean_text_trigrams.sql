-- Korean words inside their eojeol: a Korean document's full-text tokens (`simple` configuration)
-- are whole space-separated units with the particles on ("배터리가"), so a word search for "배터리"
-- misses them. A trigram index on Korean texts makes LIKE / ILIKE '%배터리%' (and pg_trgm similarity)
-- an index search instead of a scan; pg_trgm is trusted, so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS documents_text_trgm_ko ON documents USING gin (text gin_trgm_ops) WHERE lang = 'ko';
