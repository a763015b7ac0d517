/**
 * Elasticsearch client errors, classified where they are raised: by the client's error class and a
 * request's HTTP status, never by message text.
 *
 * A request-level refusal that no document can cause is the cluster being unavailable to us:
 * transport failures, 401/403 (an expired or revoked API key), 408, 429 (back-pressure) and 5xx.
 * Per-item failures inside a bulk answer are judged by the writer (sinks/elasticsearch).
 */
import { AspectStreamError, DependencyUnavailableError, errorMessage } from '../errors/index';

export const ELASTICSEARCH = 'elasticsearch';

const TRANSPORT_ERRORS = new Set([
  'ConnectionError',
  'TimeoutError',
  'NoLivingConnectionsError',
  'RequestAbortedError',
]);

/** A request-level status that says the cluster (or our access to it) is in trouble. */
export function isUnavailableStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 408 || status === 429 || status >= 500;
}

export function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; meta?: { statusCode?: unknown } } | null;
  const status = e?.statusCode ?? e?.meta?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Wraps what an Elasticsearch call threw; anything else (a 400 for a bad request) passes unchanged. */
export function asElasticsearchError(err: unknown): unknown {
  if (err instanceof AspectStreamError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && TRANSPORT_ERRORS.has(name)) {
    return new DependencyUnavailableError(ELASTICSEARCH, `Elasticsearch unreachable: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  const status = name === 'ResponseError' ? statusOf(err) : undefined;
  if (status !== undefined && isUnavailableStatus(status)) {
    return new DependencyUnavailableError(
      ELASTICSEARCH,
      `Elasticsearch answered ${status}: ${errorMessage(err)}`,
      { cause: err, code: `http_${status}` },
    );
  }
  return err;
}
