-- Tenants and their API keys. A key is shown once when created and stored only as a SHA-256 hash
-- (the key has 192 bits of randomness, so a fast hash is safe). key_prefix is the public part of the
-- key (`ask_<prefix>_...`): unique, used to find the row and to show which key is meant.

CREATE TABLE tenants (
  id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant       text NOT NULL REFERENCES tenants (id),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role         text NOT NULL CHECK (role IN ('ingest', 'reader', 'analyst', 'admin')),
  key_prefix   text NOT NULL UNIQUE CHECK (key_prefix ~ '^[A-Za-z0-9]{8}$'),
  key_hash     bytea NOT NULL CHECK (length(key_hash) = 32),
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

-- One live key per (tenant, name); a revoked name may be reused.
CREATE UNIQUE INDEX api_keys_tenant_name_live ON api_keys (tenant, name) WHERE revoked_at IS NULL;
CREATE INDEX api_keys_tenant ON api_keys (tenant);
