-- The language a tenant's alert messages are written in (alert settings), and the language each
-- stored alert's message was written in, so a reader can mark it up as such.
-- Existing tenants and alerts are English, as they were written.

ALTER TABLE alert_settings
  ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ko'));

ALTER TABLE alerts
  ADD COLUMN language text NOT NULL DEFAULT 'en';
