/**
 * The range of `created_at` the pipeline accepts, the same at every edge: a collector answers 400
 * naming the field, the processor dead-letters an event published straight to Kafka. A date decades
 * off is a bug upstream (seconds taken for milliseconds, a zero date); it would open partitions and
 * index months nobody reads and skew every trend it falls in.
 */
import { v, type VarSpec } from '../common/config/index';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CreatedAtBounds {
  /** How far back a created_at may lie, in ms. */
  maxAgeMs: number;
  /** How far ahead (clock skew), in ms. */
  maxAheadMs: number;
}

export const DEFAULT_CREATED_AT_BOUNDS: CreatedAtBounds = { maxAgeMs: 3650 * DAY_MS, maxAheadMs: DAY_MS };

export const createdAtVars = {
  createdAtMaxAgeDays: {
    env: 'CREATED_AT_MAX_AGE_DAYS',
    schema: v.int(1, 100 * 366),
    default: '3650',
    doc: 'Oldest created_at accepted, in days before now; older documents are refused (400 at a collector, dead letter in the processor).',
  } satisfies VarSpec,
  createdAtMaxAheadHours: {
    env: 'CREATED_AT_MAX_AHEAD_HOURS',
    schema: v.int(0, 24 * 366),
    default: '24',
    doc: 'How far in the future a created_at may lie (clock skew), in hours.',
  } satisfies VarSpec,
};

export function createdAtBounds(c: {
  createdAtMaxAgeDays: number;
  createdAtMaxAheadHours: number;
}): CreatedAtBounds {
  return { maxAgeMs: c.createdAtMaxAgeDays * DAY_MS, maxAheadMs: c.createdAtMaxAheadHours * 3_600_000 };
}

/** Why `ms` is outside the bounds, phrased to follow the field name; undefined when inside. */
export function createdAtProblem(ms: number, bounds: CreatedAtBounds, now = Date.now()): string | undefined {
  if (ms < now - bounds.maxAgeMs) {
    return `must not be more than ${Math.round(bounds.maxAgeMs / DAY_MS)} days in the past (before ${new Date(now - bounds.maxAgeMs).toISOString()})`;
  }
  if (ms > now + bounds.maxAheadMs) {
    return `must not be more than ${Math.round(bounds.maxAheadMs / 3_600_000)} hours in the future`;
  }
  return undefined;
}
