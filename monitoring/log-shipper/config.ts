import path from 'node:path';
import { z } from 'zod';
import { defineConfig, v, type ConfigOf } from '../../common/config/index';
import { loggingVars } from '../../common/logging/config';
import { elasticsearchVars } from '../../sinks/elasticsearch/config';

/** Relative paths of this spec are relative to the checkout, wherever the process starts. */
export const REPO_DIR = path.resolve(import.meta.dirname, '../..');
export const inRepo = (p: string): string => path.resolve(REPO_DIR, p);

const name = (what: string) =>
  z.string().regex(/^[a-z][a-z0-9_-]{0,60}$/, `must be a lower-case ${what} (letters, digits, - or _)`);

export const logShipperConfigSpec = defineConfig(
  'log-shipper',
  {
    port: {
      env: 'LOG_SHIPPER_PORT',
      schema: v.port(),
      default: '9303',
      doc: 'Port of the log shipper /metrics, /healthz and /readyz.',
    },
    dir: {
      env: 'LOG_SHIPPER_DIR',
      schema: v.string(),
      default: 'stack/.data/logs',
      doc: 'Folder of the services’ log files (relative paths: from the checkout).',
    },
    services: {
      env: 'LOG_SHIPPER_SERVICES',
      schema: z
        .string()
        .transform((s) => [
          ...new Set(
            s
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean),
          ),
        ])
        .pipe(z.array(name('file name')).min(1, 'must name at least one log file')),
      default: 'collector,processor,alerts,sink-postgres,sink-elasticsearch,api,log-shipper,alert-receiver',
      doc: 'Log files to ship: `<name>.log` in LOG_SHIPPER_DIR (comma-separated); a file that does not exist yet is picked up when it appears.',
    },
    stateFile: {
      env: 'LOG_SHIPPER_STATE_FILE',
      schema: v.string(),
      default: 'stack/.data/log-shipper/positions.json',
      doc: 'Where the shipper keeps each file’s committed read position (relative paths: from the checkout).',
    },
    alias: {
      env: 'LOG_SHIPPER_ALIAS',
      schema: name('alias'),
      default: 'absa-logs',
      doc: 'Alias Kibana reads the logs from; lines go to daily indices `<alias>-YYYY.MM.DD` behind it.',
    },
    retentionDays: {
      env: 'LOG_SHIPPER_RETENTION_DAYS',
      schema: v.int(1, 3650),
      default: '14',
      doc: 'Daily log indices older than this many days are deleted (checked at start and hourly).',
    },
    batchBytes: {
      env: 'LOG_SHIPPER_BATCH_BYTES',
      schema: v.int(4096, 64 * 1024 * 1024),
      default: '1048576',
      doc: 'Most bytes of log lines read from one file into one bulk request.',
    },
    pollMs: {
      env: 'LOG_SHIPPER_POLL_MS',
      schema: v.int(10, 60_000),
      default: '500',
      doc: 'How often the files are checked for new lines, in ms.',
    },
    retryMaxMs: {
      env: 'LOG_SHIPPER_RETRY_MAX_MS',
      schema: v.int(100, 600_000),
      default: '10000',
      doc: 'Longest delay between two retries of a failed bulk request; it retries until Elasticsearch takes the lines.',
    },
    elasticsearchUrl: elasticsearchVars.elasticsearchUrl,
    elasticsearchApiKey: elasticsearchVars.elasticsearchApiKey,
    elasticsearchUsername: elasticsearchVars.elasticsearchUsername,
    elasticsearchPassword: elasticsearchVars.elasticsearchPassword,
    elasticsearchRequestTimeoutMs: elasticsearchVars.elasticsearchRequestTimeoutMs,
    numberOfReplicas: elasticsearchVars.numberOfReplicas,
    ...loggingVars,
  },
  { prefix: 'LOG_SHIPPER_' },
);

export type LogShipperConfig = ConfigOf<typeof logShipperConfigSpec.vars>;
