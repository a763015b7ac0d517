/**
 * How the Elasticsearch sink treats what Elasticsearch answers: per bulk item, written, unchanged (a
 * replay of an older analysis), sent again (429, 5xx, with backoff for a few rounds), or refused for
 * good (any other 4xx: the event becomes a dead letter). Request-level failures are classified by
 * common/elasticsearch/errors.
 */
import type { estypes } from '@elastic/elasticsearch';
import { backoffDelay, FatalError } from '../../common/errors/index';

/** Elasticsearch refused a document for good (mapping or value error). */
export class ElasticsearchRejectedError extends FatalError {}

export type ItemOutcome = 'written' | 'unchanged' | 'retry' | ElasticsearchRejectedError;

/** One bulk item's answer; `what` names the item in the error ("mentions <id>"). */
export function itemOutcome(item: estypes.BulkResponseItem, what: string): ItemOutcome {
  const status = item.status;
  if (status >= 200 && status < 300) return 'written';
  // An older analysis than the one stored (a replay), or a first created_at recorded before:
  // nothing to write, not an error.
  if (status === 409 && item.error?.type === 'version_conflict_engine_exception') return 'unchanged';
  if (status === 429 || status >= 500) return 'retry';
  const e = item.error;
  return new ElasticsearchRejectedError(
    `Elasticsearch refused ${what} in ${item._index} (${status}): ${e?.type ?? 'error'}: ${e?.reason ?? ''}${e?.caused_by?.reason ? ` (${e.caused_by.reason})` : ''}`,
    { code: e?.type ?? `http_${status}` },
  );
}

/** Wait before re-sending refused items, round 1, 2, …: capped exponential backoff with jitter. */
export function itemRetryDelay(
  round: number,
  options: { retryInitialMs?: number; retryMaxMs?: number },
): number {
  return backoffDelay(round, {
    initialMs: options.retryInitialMs ?? 250,
    maxMs: options.retryMaxMs ?? 10_000,
    multiplier: 2,
    jitter: 0.5,
  });
}
