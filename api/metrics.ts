import type { Metrics } from '../common/metrics/index';

/** The read API's own metrics; request durations by route and status come from requestContext. */
export function apiMetrics(metrics: Metrics) {
  return {
    authFailures: metrics.counter(
      'api_auth_failures_total',
      'Requests refused by authentication or authorization, by reason (missing, invalid, forbidden)',
      ['reason'] as const,
    ),
    rateLimited: metrics.counter(
      'api_rate_limited_total',
      'Requests refused with 429, by limiter (ip: failures per address, key: requests per credential, aggregate and export: requests at once, raw-scan: raw-mention scans at once across all tenants)',
      ['limiter'] as const,
    ),
    unavailable: metrics.counter(
      'api_dependency_unavailable_total',
      'Requests answered 503 because a dependency failed or, for postgres, a raw-mention scan ran past its statement timeout, by dependency (postgres, elasticsearch)',
      ['dependency'] as const,
    ),
  };
}

export type ApiMetrics = ReturnType<typeof apiMetrics>;
