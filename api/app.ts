/**
 * The read API's express app, built from its dependencies so tests and the benchmark run the real
 * thing. Routes come from the OpenAPI document: every operation there has exactly one handler here,
 * guarded by its `x-permission`, rate limited per credential, and validated against its parameters.
 *
 * Order per request: per-IP limit on failed authentication and unknown paths (its 429 written at
 * once, its log lines sampled; the ops endpoints exempt) → request id + access log → security
 * headers → CORS → ops endpoints → authentication (401/403) → per-credential rate limit →
 * per-credential and per-tenant concurrency limit (aggregates, exports) → validation (400) → handler → problem+json for every error. A method the document does not declare for a path
 * gets 405 with `Allow`. Aggregates that scan raw mentions are bounded further: their range (400),
 * how many run at once across all tenants (429) and their statement timeout (503).
 */
import cors from 'cors';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import {
  ConcurrencyLimiter,
  concurrencyLimit,
  FailureLimiter,
  clientAddress,
  failureGate,
  tooManyRequests,
} from '../common/http/limits';
import helmet from 'helmet';
import type { Permission } from '../common/apikeys/roles';
import type { ApiKeyStore, Principal } from '../common/apikeys/store';
import { HttpProblem, problemHandler } from '../common/http/problem';
import { requestContext } from '../common/http/request-context';
import { methodNotAllowed, notFound } from '../common/http/routes';
import type { Logger } from '../common/logging/index';
import { publicHealthRouter, type Metrics, type ReadinessResult } from '../common/metrics/index';
import { createAuthenticator } from './auth/authenticate';
import type { JwtSettings } from './auth/jwt.strategy';
import type { OidcSettings } from './auth/oidc';
import type { ApiConfig } from './config';
import { apiMetrics } from './metrics';
import { openApiDocument } from './openapi/document';
import { RequestValidator, type Operation } from './openapi/validate';
import { adminRoutes } from './routes/admin.routes';
import { alertRoutes } from './routes/alerts.routes';
import { aspectRoutes } from './routes/aspects.routes';
import { documentRoutes } from './routes/documents.routes';
import { mentionRoutes } from './routes/mentions.routes';
import {
  ScanCapacityError,
  ScanTimeoutError,
  type AlertStore,
  type KeyAdmin,
  type MentionStore,
  type SearchIndex,
} from './stores';
import { uiStatic } from './ui-static';

export const API_PREFIX = '/v1';

export interface ApiDeps {
  config: JwtSettings &
    OidcSettings &
    Pick<
      ApiConfig,
      | 'rateLimitPerIpPerMinute'
      | 'rateLimitPerKeyPerMinute'
      | 'trustProxy'
      | 'corsOrigins'
      | 'maxBodyBytes'
      | 'exportMaxRows'
      | 'defaultRangeDays'
      | 'rawAggregateMaxDays'
      | 'aggregateConcurrencyPerKey'
      | 'aggregateConcurrencyPerTenant'
      | 'exportConcurrencyPerKey'
      | 'exportConcurrencyPerTenant'
    >;
  keys: Pick<ApiKeyStore, 'verify'>;
  keyAdmin: KeyAdmin;
  mentions: MentionStore;
  search: SearchIndex;
  /** Alert rules, settings and alerts; without it the alert routes answer 503. */
  alerts?: AlertStore;
  logger: Logger;
  metrics: Metrics;
  /** Shared readiness of PostgreSQL and Elasticsearch (cachedReadiness); details go to the ops port. */
  ready: () => Promise<ReadinessResult>;
  isShuttingDown?: () => boolean;
}

/** Errors from PostgreSQL or Elasticsearch that mean "unavailable, retry", not "bug". */
export function dependencyOf(err: unknown): 'postgres' | 'elasticsearch' | undefined {
  const e = err as { code?: string; name?: string; message?: string; meta?: { statusCode?: number } };
  if (!e || typeof e !== 'object') return undefined;
  if (['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError'].includes(e.name ?? ''))
    return 'elasticsearch';
  if (e.name === 'ResponseError' && (e.meta?.statusCode ?? 0) >= 429) return 'elasticsearch';
  const code = e.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) return 'postgres';
  // 08: connection exception, 53: insufficient resources, 57: operator intervention (incl. 57014 timeout).
  if (/^(08|53|57)/.test(code)) return 'postgres';
  if (/timeout exceeded when trying to connect|Connection terminated/i.test(e.message ?? ''))
    return 'postgres';
  return undefined;
}

export function createApiApp(deps: ApiDeps): Express {
  const { config, logger, metrics } = deps;
  const m = apiMetrics(metrics);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', config.trustProxy);
  // Failed authentications (401) and unknown paths (404) per client address, recorded where they
  // are decided. Once an address is over the limit it is refused first thing, before the request
  // context, the access log and the security headers: a flooding client must cost next to nothing.
  // Its refusals are logged once a minute per address, with the count of those left out.
  const failures = new FailureLimiter(config.rateLimitPerIpPerMinute);
  app.use(
    failureGate(failures, {
      onLimited: () => m.rateLimited.inc({ limiter: 'ip' }),
      logger,
      exemptPaths: ['/healthz', '/readyz'],
    }),
  );
  app.use(requestContext(logger, metrics));
  app.use(helmet());
  if (config.corsOrigins.length) {
    app.use(
      cors({
        origin: config.corsOrigins,
        methods: ['GET', 'POST', 'PUT', 'DELETE'],
        allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'X-Request-Id'],
        exposedHeaders: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After'],
        maxAge: 600,
      }),
    );
  }
  app.use(publicHealthRouter({ ready: deps.ready, isShuttingDown: deps.isShuttingDown }));

  const tooMany = (limiter: 'ip' | 'key', detail: string): RequestHandler => {
    return (_req, res, next) => {
      m.rateLimited.inc({ limiter });
      const retry = res.getHeader('Retry-After');
      next(
        new HttpProblem(429, 'rate-limited', 'Too many requests', detail, {
          headers: { 'Retry-After': String(retry ?? 60) },
          members: {
            limit: { name: 'requests-per-key', max: config.rateLimitPerKeyPerMinute, window_s: 60 },
          },
        }),
      );
    };
  };

  const keyLimiter = rateLimit({
    windowMs: 60_000,
    limit: config.rateLimitPerKeyPerMinute,
    skip: () => config.rateLimitPerKeyPerMinute === 0,
    keyGenerator: (_req, res) => `key:${(res.locals.principal as Principal).keyId}`,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false },
    handler: (req, res, next) =>
      tooMany('key', `this credential may make ${config.rateLimitPerKeyPerMinute} requests a minute`)(
        req,
        res,
        next,
      ),
  });

  const auth = createAuthenticator({
    keys: deps.keys,
    jwt: config,
    onFailure: (reason, req) => {
      m.authFailures.inc({ reason });
      if (reason !== 'forbidden') failures.record(clientAddress(req));
    },
  });
  const concurrency = {
    aggregate: new ConcurrencyLimiter('aggregate', {
      perKey: config.aggregateConcurrencyPerKey,
      perTenant: config.aggregateConcurrencyPerTenant,
    }),
    export: new ConcurrencyLimiter('export', {
      perKey: config.exportConcurrencyPerKey,
      perTenant: config.exportConcurrencyPerTenant,
    }),
  };
  const validator = new RequestValidator();
  const ctx = {
    defaultRangeDays: config.defaultRangeDays,
    exportMaxRows: config.exportMaxRows,
    rawAggregateMaxDays: config.rawAggregateMaxDays,
  };
  const handlers: Record<string, RequestHandler> = {
    ...aspectRoutes(deps.mentions, ctx),
    ...mentionRoutes(deps.mentions, ctx),
    ...documentRoutes(deps.mentions, deps.search),
    ...adminRoutes(deps.keyAdmin),
    ...alertRoutes(deps.alerts),
    getOpenApi: (_req, res) => {
      res.json(openApiDocument);
    },
  };
  const jsonBody = express.json({ limit: config.maxBodyBytes, strict: true, type: 'application/json' });
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!req.is('application/json')) {
      next(
        new HttpProblem(
          415,
          'unsupported-media-type',
          'Unsupported media type',
          'send the body as application/json',
        ),
      );
      return;
    }
    next();
  };

  const used = new Set<string>();
  for (const [path, item] of Object.entries(openApiDocument.paths)) {
    const expressPath = API_PREFIX + path.replace(/\{(\w+)\}/g, ':$1');
    for (const [method, op] of Object.entries(item) as Array<[string, Operation]>) {
      const handler = handlers[op.operationId];
      if (!handler) throw new Error(`no handler for OpenAPI operation ${op.operationId}`);
      used.add(op.operationId);
      const chain: RequestHandler[] = [];
      if (op['x-permission']) chain.push(auth.require(op['x-permission'] as Permission), keyLimiter);
      const kind = op['x-concurrency'];
      if (kind) {
        chain.push(
          concurrencyLimit(concurrency[kind], (res) => res.locals.principal as Principal, {
            retryAfterSeconds: kind === 'export' ? 10 : 2,
            onLimited: () => m.rateLimited.inc({ limiter: kind }),
          }),
        );
      }
      if (op.requestBody) chain.push(requireJson, jsonBody);
      chain.push(validator.middleware(op));
      // express 5 passes a rejected promise to the error handlers.
      chain.push(handler);
      (app as unknown as Record<string, (p: string, ...h: RequestHandler[]) => void>)[method]!(
        expressPath,
        ...chain,
      );
    }
    app.all(expressPath, methodNotAllowed(Object.keys(item)));
  }
  const unused = Object.keys(handlers).filter((h) => !used.has(h));
  if (unused.length) throw new Error(`handlers without an OpenAPI operation: ${unused.join(', ')}`);

  app.use(uiStatic());
  app.use(notFound((req) => failures.record(clientAddress(req))));
  // A raw-mention scan refused for capacity is a server-wide limit (429 naming it, like the
  // per-tenant ones); one stopped by its timeout is the database not answering in time (503).
  const rawScans: ErrorRequestHandler = (err, _req, res, next) => {
    if (err instanceof ScanCapacityError) {
      m.rateLimited.inc({ limiter: 'raw-scan' });
      next(
        tooManyRequests(
          `${err.max} aggregates that scan raw mentions (the summary with lang) are running on this server, for all tenants together; retry shortly, or leave out lang to read the rollups`,
          { name: 'raw-scan-concurrency', max: err.max },
          2,
        ),
      );
      return;
    }
    if (err instanceof ScanTimeoutError) {
      m.unavailable.inc({ dependency: 'postgres' });
      logger.warn(`raw-mention scan stopped by its ${err.timeoutMs} ms statement timeout`, {
        err,
        http: { request: { id: res.locals.requestId } },
      });
      next(
        new HttpProblem(
          503,
          'query-timeout',
          'Query took too long',
          `counting raw mentions (the summary with lang) took longer than ${err.timeoutMs / 1000} s; narrow from and to, or leave out lang to read the rollups`,
          {
            headers: { 'Retry-After': '10' },
            members: { limit: { name: 'raw-scan-timeout-ms', max: err.timeoutMs } },
          },
        ),
      );
      return;
    }
    next(err);
  };
  app.use(rawScans);
  const unavailable: ErrorRequestHandler = (err, _req, res, next) => {
    const dependency = err instanceof HttpProblem ? undefined : dependencyOf(err);
    if (!dependency) {
      next(err);
      return;
    }
    m.unavailable.inc({ dependency });
    logger.warn(`${dependency} unavailable: ${(err as Error).message}`, {
      err,
      http: { request: { id: res.locals.requestId } },
    });
    next(
      new HttpProblem(
        503,
        'service-unavailable',
        'Service unavailable',
        `${dependency} is unavailable; retry shortly`,
        {
          headers: { 'Retry-After': '5' },
        },
      ),
    );
  };
  app.use(unavailable);
  app.use(problemHandler(logger));
  return app;
}
