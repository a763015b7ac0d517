-- Daily aspect rollups: aspect_rollups_hourly summed by UTC day, maintained by sinks/postgres in the
-- same transaction and by the same rules (only mentions really inserted count; a re-analysed
-- document's old mentions are subtracted). Read API aggregates over ranges take whole UTC days from
-- here and only the partial days at the range's ends from the hourly table: a 28-day trend reads ~24x
-- fewer rows. Kept like the hourly rollups when raw partitions are dropped.
CREATE TABLE aspect_rollups_daily (
  tenant            text             NOT NULL,
  entity            text,
  category          text,
  normalized_aspect text             NOT NULL,
  polarity          text             NOT NULL,
  day               timestamptz      NOT NULL,
  mention_count     bigint           NOT NULL,
  confidence_sum    double precision NOT NULL,
  updated_at        timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT aspect_rollups_daily_key
    UNIQUE NULLS NOT DISTINCT (tenant, entity, category, normalized_aspect, polarity, day)
);

-- The same query shapes as the hourly covering indexes (005), plus tenant + range for unfiltered reads.
CREATE INDEX aspect_rollups_daily_tenant_day
  ON aspect_rollups_daily (tenant, day)
  INCLUDE (entity, category, normalized_aspect, polarity, mention_count, confidence_sum);
CREATE INDEX aspect_rollups_daily_tenant_entity_day
  ON aspect_rollups_daily (tenant, entity, day)
  INCLUDE (normalized_aspect, category, polarity, mention_count, confidence_sum);
CREATE INDEX aspect_rollups_daily_tenant_aspect_day
  ON aspect_rollups_daily (tenant, normalized_aspect, day)
  INCLUDE (entity, category, polarity, mention_count, confidence_sum);

INSERT INTO aspect_rollups_daily
  (tenant, entity, category, normalized_aspect, polarity, day, mention_count, confidence_sum)
SELECT tenant, entity, category, normalized_aspect, polarity, date_trunc('day', hour, 'UTC'),
       sum(mention_count), sum(confidence_sum)
  FROM aspect_rollups_hourly
 GROUP BY 1, 2, 3, 4, 5, 6;
