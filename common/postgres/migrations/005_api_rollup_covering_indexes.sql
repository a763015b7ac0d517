-- Read API (api/): covering indexes so the rollup queries of GET /v1/aspects/summary?entity=... and
-- GET /v1/aspects/trends?aspect=... are index-only scans (no heap visits for rows that autovacuum
-- has marked all-visible). Measured with npm run bench:api (docs/benchmarks.md).
CREATE INDEX aspect_rollups_hourly_tenant_entity_hour_cover
  ON aspect_rollups_hourly (tenant, entity, hour)
  INCLUDE (normalized_aspect, category, polarity, mention_count, confidence_sum);
CREATE INDEX aspect_rollups_hourly_tenant_aspect_hour_cover
  ON aspect_rollups_hourly (tenant, normalized_aspect, hour)
  INCLUDE (entity, category, polarity, mention_count, confidence_sum);
-- aspect_rollups_hourly_tenant_aspect_hour (003) is now a prefix of the second one; it is left to the
-- sink's owners to drop it (it costs one index update per rollup upsert).
