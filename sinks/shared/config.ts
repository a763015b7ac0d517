/**
 * Settings every sink shares (consumer group, batching, retry backoff, ops port, shutdown), declared
 * once and instantiated per sink with its own variable prefix, e.g. SINK_POSTGRES_BATCH_SIZE.
 */
import { v, type VarSpec } from '../../common/config/index';

export interface SinkDefaults {
  groupId: string;
  opsPort: string;
  batchSize: string;
  concurrency: string;
}

/** `prefix` is e.g. `SINK_POSTGRES_`; `label` names the sink in the docs ("PostgreSQL sink"). */
export function sinkVars(prefix: string, label: string, defaults: SinkDefaults) {
  return {
    groupId: {
      env: `${prefix}GROUP_ID`,
      schema: v.string(),
      default: defaults.groupId,
      doc: `Kafka consumer group of the ${label}; offsets are committed only after a batch is written.`,
    } satisfies VarSpec,
    fromBeginning: {
      env: `${prefix}FROM_BEGINNING`,
      schema: v.bool(),
      default: 'true',
      doc: `Where a new consumer group of the ${label} starts: the oldest retained event (true) or new events only (false).`,
    } satisfies VarSpec,
    batchSize: {
      env: `${prefix}BATCH_SIZE`,
      schema: v.int(1, 10_000),
      default: defaults.batchSize,
      doc: `Most events the ${label} writes in one write (one transaction / one bulk request).`,
    } satisfies VarSpec,
    concurrency: {
      env: `${prefix}CONCURRENCY`,
      schema: v.int(1, 64),
      default: defaults.concurrency,
      doc: `Kafka partitions the ${label} writes concurrently (each partition keeps its order).`,
    } satisfies VarSpec,
    maxBytesPerPartition: {
      env: `${prefix}FETCH_MAX_BYTES_PER_PARTITION`,
      schema: v.int(1024, 64 * 1024 * 1024),
      default: String(2 * 1024 * 1024),
      doc: `Most bytes the ${label} fetches from one partition at once.`,
    } satisfies VarSpec,
    retryInitialMs: {
      env: `${prefix}RETRY_INITIAL_MS`,
      schema: v.int(1, 60_000),
      default: '250',
      doc: `First delay before the ${label} retries a write that failed for a retriable reason (then doubling, with jitter).`,
    } satisfies VarSpec,
    retryMaxMs: {
      env: `${prefix}RETRY_MAX_MS`,
      schema: v.int(1, 600_000),
      default: '10000',
      doc: `Longest delay between two retries of the ${label}; it retries retriable failures until they succeed or it is stopped.`,
    } satisfies VarSpec,
    opsPort: {
      env: `${prefix}OPS_PORT`,
      schema: v.port(),
      default: defaults.opsPort,
      doc: `Port of the ${label}'s /metrics, /healthz and /readyz (0: any free port).`,
    } satisfies VarSpec,
    shutdownTimeoutMs: {
      env: `${prefix}SHUTDOWN_TIMEOUT_MS`,
      schema: v.int(1000, 600_000),
      default: '30000',
      doc: `On SIGTERM/SIGINT, how long the ${label} may take to finish its in-flight batch and leave the group before it exits anyway.`,
    } satisfies VarSpec,
  };
}

export interface SinkSettings {
  groupId: string;
  fromBeginning: boolean;
  batchSize: number;
  concurrency: number;
  maxBytesPerPartition: number;
  retryInitialMs: number;
  retryMaxMs: number;
}

export const retryRule = (prefix: string) => (c: { retryInitialMs: number; retryMaxMs: number }) =>
  c.retryInitialMs > c.retryMaxMs
    ? `${prefix}RETRY_INITIAL_MS (${c.retryInitialMs}) must not exceed ${prefix}RETRY_MAX_MS (${c.retryMaxMs})`
    : undefined;
