/**
 * Request id (taken from X-Request-Id when a caller sends a sane one, generated otherwise, echoed
 * back) and one ECS access log line per request with its duration.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logging/index';
import type { Metrics } from '../metrics/index';

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Longest path written to the access log; a client chooses the path, so its cost must be bounded. */
export const LOGGED_PATH_CHARS = 512;

/** The path as the access log shows it: cut to LOGGED_PATH_CHARS, with its full length noted. */
export function loggedPath(path: string): string {
  return path.length <= LOGGED_PATH_CHARS
    ? path
    : `${path.slice(0, LOGGED_PATH_CHARS)}…(${path.length} chars)`;
}

export function requestContext(logger: Logger, metrics?: Metrics): RequestHandler {
  const duration = metrics?.histogram(
    'http_request_duration_seconds',
    'HTTP request duration by route and status',
    ['method', 'route', 'status'] as const,
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SANE_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // Route patterns keep label values bounded; unmatched paths share one label.
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      duration?.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      if (route === '/metrics' || route === '/healthz' || route === '/readyz') return;
      const path = loggedPath(req.path);
      logger.info(`${req.method} ${path} ${res.statusCode}`, {
        event: {
          action: 'http-request',
          duration: Math.round(seconds * 1e9),
          outcome: res.statusCode < 400 ? 'success' : 'failure',
        },
        http: {
          request: {
            id: requestId,
            method: req.method,
            body: { bytes: Number(req.get('content-length') ?? 0) },
          },
          response: { status_code: res.statusCode },
        },
        url: { path },
        ...(res.locals.principal
          ? { labels: { tenant: res.locals.principal.tenant, key_prefix: res.locals.principal.prefix } }
          : {}),
        ...(res.locals.logExtra ?? {}),
      });
    });
    next();
  };
}
