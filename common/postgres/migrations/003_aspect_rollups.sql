-- Hourly aspect rollups, maintained by sinks/postgres in the same transaction as the mentions, so
-- summaries, trends and entity lists never scan raw mentions. Only mentions the transaction really
-- inserted are added (INSERT ... ON CONFLICT DO NOTHING RETURNING), so a replayed batch adds nothing.
-- hour is the UTC hour of the document's created_at. entity and category may be null (unknown /
-- unmapped): NULLS NOT DISTINCT makes null a key value like any other. Day and week trends are sums
-- over hours (date_trunc('day', hour, 'UTC')); net sentiment = (positive - negative) / total.
CREATE TABLE aspect_rollups_hourly (
  tenant            text             NOT NULL,
  entity            text,
  category          text,
  normalized_aspect text             NOT NULL,
  polarity          text             NOT NULL,
  hour              timestamptz      NOT NULL,
  mention_count     bigint           NOT NULL,
  confidence_sum    double precision NOT NULL,
  updated_at        timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT aspect_rollups_hourly_key
    UNIQUE NULLS NOT DISTINCT (tenant, entity, category, normalized_aspect, polarity, hour)
);

CREATE INDEX aspect_rollups_hourly_tenant_hour ON aspect_rollups_hourly (tenant, hour);
CREATE INDEX aspect_rollups_hourly_tenant_aspect_hour ON aspect_rollups_hourly (tenant, normalized_aspect, hour);
