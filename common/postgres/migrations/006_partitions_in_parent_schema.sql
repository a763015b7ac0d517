-- absa_ensure_month_partitions looked partitions up by bare name through the search path, so with a
-- search path of several schemas holding these tables it could find another schema's partition and
-- skip creating its own. Partitions are now looked up and created in the schema of their parent.
CREATE OR REPLACE FUNCTION absa_ensure_month_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m       date := date_trunc('month', from_ts AT TIME ZONE 'UTC')::date;
  last    date := date_trunc('month', to_ts AT TIME ZONE 'UTC')::date;
  parent  text;
  nsp     text;
  part    text;
  created integer := 0;
BEGIN
  IF last < m THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(4142017002);
  WHILE m <= last LOOP
    FOREACH parent IN ARRAY ARRAY['documents', 'aspect_mentions'] LOOP
      SELECT n.nspname INTO nsp FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = parent::regclass;
      part := parent || to_char(m, '"_y"YYYY"m"MM');
      IF to_regclass(format('%I.%I', nsp, part)) IS NULL THEN
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)',
                       nsp, part, nsp, parent,
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
