-- The opinion terms behind each aspect ("rude" for "waiter"), as the processor's model finds them:
-- a JSON array of {term, start, end, confidence} with UTF-16 offsets into documents.text, end
-- exclusive; [] when the model found none, NULL when it has no opinion head (and for rows written
-- before this column existed). Only read with the mention, never filtered on, so no index.
ALTER TABLE aspect_mentions ADD COLUMN IF NOT EXISTS opinions jsonb;
