-- aspect_rollups_hourly_tenant_aspect_hour (003) is a prefix of the covering index
-- aspect_rollups_hourly_tenant_aspect_hour_cover (005), which serves every query the older one did;
-- keeping both cost the sink an extra index update per rollup upsert.
DROP INDEX IF EXISTS aspect_rollups_hourly_tenant_aspect_hour;
