-- The alert service (stream-processors/alerts): rules per tenant, the alerts it raised, and each
-- webhook delivery attempt. Alerts are written by the service's delivery side from
-- sentiment.alerts.v1 (keyed by the deterministic alert_id, so a replay rewrites the same row).

CREATE TABLE alert_rules (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant          text        NOT NULL,
  name            text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  detector        text        NOT NULL CHECK (detector IN ('negative_share', 'volume_spike', 'emerging_aspect')),
  level           text        NOT NULL CHECK (level IN ('aspect', 'category', 'entity')),
  entity          text,
  normalized_aspect text,
  category        text,
  window_minutes  integer     NOT NULL,
  baseline_windows integer    NOT NULL,
  min_mentions    integer     NOT NULL,
  thresholds      jsonb       NOT NULL DEFAULT '{}',
  cooldown_minutes integer    NOT NULL,
  severity        text        NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  channels        jsonb       NOT NULL DEFAULT '[]',
  enabled         boolean     NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX alert_rules_tenant_name ON alert_rules (tenant, name);

-- Per-tenant delivery settings: the secret webhooks are signed with, and a default webhook for
-- rules that name no channel of their own.
CREATE TABLE alert_settings (
  tenant          text PRIMARY KEY,
  webhook_secret  text        NOT NULL,
  webhook_url     text,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alerts (
  alert_id        uuid PRIMARY KEY,
  tenant          text        NOT NULL,
  rule            text        NOT NULL,
  rule_id         uuid,
  detector        text        NOT NULL,
  severity        text        NOT NULL,
  status          text        NOT NULL CHECK (status IN ('open', 'resolved', 'acknowledged')),
  historical      boolean     NOT NULL DEFAULT false,
  entity          text,
  normalized_aspect text,
  category        text,
  window_start    timestamptz NOT NULL,
  window_end      timestamptz NOT NULL,
  metric          text        NOT NULL,
  observed        double precision NOT NULL,
  baseline        double precision,
  threshold       double precision NOT NULL,
  mention_count   bigint      NOT NULL,
  sample_document_ids text[]  NOT NULL DEFAULT '{}',
  contributors    jsonb       NOT NULL DEFAULT '[]',
  message         text        NOT NULL,
  created_at      timestamptz NOT NULL,
  resolved_at     timestamptz,
  resolution      text,
  acknowledged_at timestamptz,
  acknowledged_by text
);
CREATE INDEX alerts_tenant_created ON alerts (tenant, created_at DESC, alert_id DESC);

-- One row per delivery attempt; outcome 'dead_lettered' marks the attempt after which nothing more
-- is tried.
CREATE TABLE alert_deliveries (
  alert_id        uuid        NOT NULL,
  tenant          text        NOT NULL,
  url             text        NOT NULL,
  attempt         integer     NOT NULL,
  outcome         text        NOT NULL CHECK (outcome IN ('delivered', 'failed', 'dead_lettered')),
  http_status     integer,
  latency_ms      double precision NOT NULL,
  error           text,
  attempted_at    timestamptz NOT NULL,
  PRIMARY KEY (alert_id, url, attempt)
);
CREATE INDEX alert_deliveries_tenant ON alert_deliveries (tenant, attempted_at DESC);
