-- Analysed documents and their aspect mentions, written by sinks/postgres from sentiment.documents.v1
-- and read by the API. See docs/adr/0003-sinks.md.
--
-- Both tables are range-partitioned by month on the document's created_at (UTC months; partitions
-- are named <table>_yYYYYmMM, e.g. documents_y2026m11). PostgreSQL requires every unique constraint
-- of a partitioned table to include the partition key, so the idempotency key is (id, created_at).
-- That is as strong as a key on id alone here: an event's created_at is part of the event
-- (sentiment.documents.v1 copies it from text.raw.v1) and never changes for a given event id, so a
-- replayed event always lands on the same (id, created_at) and ON CONFLICT DO NOTHING skips it.
-- document_index (unpartitioned) maps id -> created_at so a document can be fetched by id alone
-- with partition pruning.
--
-- Partitions are made by absa_ensure_month_partitions (the sink calls it ahead of time and on demand
-- for late or backfilled events) and dropped by absa_drop_month_partitions_before (retention).

-- Text search configuration for a document language (ISO 639-1); 'simple' when there is no stemmer.
-- The API must use the same function when it builds a tsquery for a language.
CREATE FUNCTION absa_text_search_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE lang
    WHEN 'en' THEN 'english'::regconfig
    WHEN 'de' THEN 'german'::regconfig
    WHEN 'fr' THEN 'french'::regconfig
    WHEN 'es' THEN 'spanish'::regconfig
    WHEN 'it' THEN 'italian'::regconfig
    WHEN 'nl' THEN 'dutch'::regconfig
    WHEN 'pt' THEN 'portuguese'::regconfig
    ELSE 'simple'::regconfig
  END
$$;

CREATE TABLE documents (
  id                   uuid        NOT NULL,          -- event_id
  tenant               text        NOT NULL,
  source               text        NOT NULL,
  source_id            text        NOT NULL,
  entity               text,
  author_id            text,
  url                  text,
  status               text        NOT NULL,          -- ok | unsupported_language | empty
  lang                 text,
  lang_confidence      real,
  text                 text        NOT NULL,
  text_tsv             tsvector    GENERATED ALWAYS AS (to_tsvector(absa_text_search_config(lang), text)) STORED,
  metadata             jsonb       NOT NULL DEFAULT '{}',
  sentences            jsonb       NOT NULL DEFAULT '[]',  -- [{index,start,end}], UTF-16 offsets into text
  sentiment_polarity   text,                           -- positive | negative | neutral | mixed; null unless ok
  sentiment_confidence real,
  sentiment_positive   real,
  sentiment_negative   real,
  sentiment_neutral    real,
  aspect_count         integer     NOT NULL DEFAULT 0,
  model_name           text        NOT NULL,
  model_version        text        NOT NULL,
  taxonomy_version     text,
  embedding            vector(384),                    -- L2-normalized; compare with <=> (cosine)
  embedding_model      text,
  created_at           timestamptz NOT NULL,           -- when the text was written (partition key)
  ingested_at          timestamptz NOT NULL,
  processed_at         timestamptz NOT NULL,
  written_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

CREATE INDEX documents_tenant_created ON documents (tenant, created_at, id);
CREATE INDEX documents_tenant_entity_created ON documents (tenant, entity, created_at);
CREATE INDEX documents_text_tsv ON documents USING gin (text_tsv);
-- Similar documents: ORDER BY embedding <=> $1 with a tenant filter. pgvector 0.8 can keep scanning
-- the graph until enough rows pass the filter: SET hnsw.iterative_scan = relaxed_order.
CREATE INDEX documents_embedding_hnsw ON documents USING hnsw (embedding vector_cosine_ops);

CREATE TABLE aspect_mentions (
  id                uuid        NOT NULL,              -- mention_id (UUIDv5 over document id and span)
  document_id       uuid        NOT NULL,
  tenant            text        NOT NULL,
  source            text        NOT NULL,
  entity            text,
  lang              text,
  term              text        NOT NULL,              -- as written
  start_offset      integer     NOT NULL,              -- UTF-16 offsets into documents.text, end exclusive
  end_offset        integer     NOT NULL,
  sentence_index    integer     NOT NULL,
  sentence_text     text        NOT NULL,
  sentence_start    integer     NOT NULL,
  sentence_end      integer     NOT NULL,
  normalized_aspect text        NOT NULL,
  category          text,
  polarity          text        NOT NULL,              -- positive | negative | neutral | conflict
  confidence        real        NOT NULL,
  model_name        text        NOT NULL,
  model_version     text        NOT NULL,
  taxonomy_version  text,
  created_at        timestamptz NOT NULL,              -- the document's created_at (partition key)
  processed_at      timestamptz NOT NULL,
  written_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

-- Drill-down with cursor pagination by (created_at, id), filtered by tenant [, entity, aspect].
CREATE INDEX aspect_mentions_tenant_created ON aspect_mentions (tenant, created_at, id);
CREATE INDEX aspect_mentions_tenant_entity_aspect_created
  ON aspect_mentions (tenant, entity, normalized_aspect, created_at, id);
-- Aspects of one document (document_index gives created_at, so this prunes to one partition).
CREATE INDEX aspect_mentions_document ON aspect_mentions (document_id);

-- id -> created_at, so GET /documents/:id finds the partition without scanning all of them.
CREATE TABLE document_index (
  id         uuid        PRIMARY KEY,
  tenant     text        NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX document_index_created ON document_index (created_at);

-- Creates the missing monthly partitions of documents and aspect_mentions covering [from_ts, to_ts]
-- (UTC months). Safe to call from many sessions at once: a transaction-scoped advisory lock
-- serializes creators, and existing partitions are skipped. Returns how many partitions it created.
CREATE FUNCTION absa_ensure_month_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m       date := date_trunc('month', from_ts AT TIME ZONE 'UTC')::date;
  last    date := date_trunc('month', to_ts AT TIME ZONE 'UTC')::date;
  parent  text;
  part    text;
  created integer := 0;
BEGIN
  IF last < m THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(4142017002);
  WHILE m <= last LOOP
    FOREACH parent IN ARRAY ARRAY['documents', 'aspect_mentions'] LOOP
      part := parent || to_char(m, '"_y"YYYY"m"MM');
      IF to_regclass(quote_ident(part)) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                       part, parent,
                       (m::timestamp AT TIME ZONE 'UTC'),
                       ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
        created := created + 1;
      END IF;
    END LOOP;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END
$$;

-- Retention: drops every monthly partition of documents and aspect_mentions that ends at or before
-- cutoff, and the document_index rows older than cutoff. Returns the names of the dropped tables.
-- Hourly rollups are kept (they are small and trends look further back than raw data).
CREATE FUNCTION absa_drop_month_partitions_before(cutoff timestamptz) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  PERFORM pg_advisory_xact_lock(4142017002);
  FOR r IN
    SELECT c.oid::regclass::text AS part
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent IN ('documents'::regclass, 'aspect_mentions'::regclass)
      AND substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)')::timestamptz <= cutoff
    ORDER BY 1
  LOOP
    EXECUTE format('DROP TABLE %s', r.part);
    RETURN NEXT r.part;
  END LOOP;
  DELETE FROM document_index WHERE created_at < cutoff;
END
$$;

-- The current month and the next three exist from the start.
SELECT absa_ensure_month_partitions(now(), now() + interval '3 months');
