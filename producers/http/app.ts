/**
 * The HTTP collector's express app: the operations of its OpenAPI document (openapi.ts: `POST
 * /v1/documents`, `GET /v1/openapi.json`) plus `/healthz` and a detail-free `/readyz`
 * (metrics and readiness details are on the ops port, main.ts). Built from its dependencies so tests
 * and the benchmark run the real thing with their own settings.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import express, { type Express, type RequestHandler } from 'express';
import { requireApiKey } from '../../common/apikeys/express';
import type { ApiKeyStore, Principal } from '../../common/apikeys/store';
import { HttpProblem, jsonPointer, problemHandler, type FieldError } from '../../common/http/problem';
import { clientAddress, FailureLimiter, failureGate } from '../../common/http/limits';
import { requestContext } from '../../common/http/request-context';
import { methodNotAllowed, notFound } from '../../common/http/routes';
import type { Logger } from '../../common/logging/index';
import { publicHealthRouter, type Metrics, type ReadinessResult } from '../../common/metrics/index';
import { toRawDocument, validateDocument, type DocumentInput } from '../document';
import {
  DocumentTooLargeError,
  KafkaUnavailableError,
  SchemaUnavailableError,
  type RawDocumentPublisher,
} from '../publisher';
import { traceContext } from '../../common/tracing/express';
import { kafkaTraceHeaders, traceLogFields } from '../../common/tracing/index';
import { createdAtBounds, DEFAULT_CREATED_AT_BOUNDS, type CreatedAtBounds } from '../../schemas/bounds';
import type { HttpCollectorConfig } from './config';
import { collectorMetrics } from './metrics';
import { collectorOpenApi } from './openapi';
import { TokenBucketLimiter } from './rate-limit';

export const COLLECTOR_NAME = 'http';

export interface HttpCollectorDeps {
  config: Pick<
    HttpCollectorConfig,
    | 'maxBodyBytes'
    | 'maxDocuments'
    | 'rateLimitPerSecond'
    | 'rateLimitBurst'
    | 'rateLimitPerIpPerMinute'
    | 'retryAfterSeconds'
    | 'createdAtMaxAgeDays'
    | 'createdAtMaxAheadHours'
  >;
  keys: Pick<ApiKeyStore, 'verify'>;
  publisher: Pick<RawDocumentPublisher, 'publish'>;
  logger: Logger;
  metrics: Metrics;
  /** Shared readiness of the key store, Kafka and the registry; details go to the ops port. */
  ready: () => Promise<ReadinessResult>;
  isShuttingDown: () => boolean;
}

/** Checks the request body's envelope and every document; all problems at once. */
export function validateBatch(
  body: unknown,
  maxDocuments: number,
  bounds: CreatedAtBounds = DEFAULT_CREATED_AT_BOUNDS,
): { ok: true; documents: DocumentInput[] } | { ok: false; errors: FieldError[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [{ pointer: '', reason: 'must be a JSON object with a "documents" array' }] };
  }
  const errors: FieldError[] = [];
  for (const key of Object.keys(body)) {
    if (key !== 'documents') errors.push({ pointer: jsonPointer([key]), reason: 'is not a known field' });
  }
  const docs = (body as { documents?: unknown }).documents;
  if (docs === undefined) {
    errors.push({ pointer: '/documents', reason: 'is required' });
  } else if (!Array.isArray(docs)) {
    errors.push({ pointer: '/documents', reason: 'must be an array of documents' });
  } else if (docs.length === 0) {
    errors.push({ pointer: '/documents', reason: 'must contain at least 1 document' });
  } else if (docs.length > maxDocuments) {
    errors.push({
      pointer: '/documents',
      reason: `must contain at most ${maxDocuments} documents (got ${docs.length})`,
    });
  } else {
    const documents: DocumentInput[] = [];
    docs.forEach((doc, i) => {
      const result = validateDocument(doc, ['documents', i], bounds);
      if (result.ok) documents.push(result.document);
      else errors.push(...result.errors);
    });
    if (errors.length === 0) return { ok: true, documents };
  }
  return { ok: false, errors };
}

/** Checks a body against the document's DocumentBatch schema; each problem as (pointer, reason). */
export function batchSchemaValidator(
  doc: ReturnType<typeof collectorOpenApi>,
): (body: unknown) => FieldError[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const ID = 'https://aspect-stream.dev/openapi/collector/v1';
  ajv.addSchema({ $id: ID, components: doc.components });
  const check = ajv.compile({ $ref: `${ID}#/components/schemas/DocumentBatch` });
  return (body) =>
    check(body)
      ? []
      : (check.errors ?? []).map((e) => ({
          pointer:
            e.keyword === 'additionalProperties'
              ? `${e.instancePath}/${String(e.params.additionalProperty)}`
              : e.instancePath,
          reason: e.keyword === 'additionalProperties' ? 'is not a known field' : (e.message ?? 'is invalid'),
        }));
}

export function createHttpCollectorApp(deps: HttpCollectorDeps): Express {
  const { config, logger, metrics } = deps;
  const doc = collectorOpenApi({ maxDocuments: config.maxDocuments });
  const schemaErrors = batchSchemaValidator(doc);
  const m = collectorMetrics(metrics);
  const limiter = new TokenBucketLimiter(config.rateLimitPerSecond, config.rateLimitBurst);
  const unavailable = (detail: string): HttpProblem =>
    new HttpProblem(503, 'service-unavailable', 'Service unavailable', detail, {
      headers: { 'Retry-After': String(config.retryAfterSeconds) },
    });

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestContext(logger, metrics));
  app.use(publicHealthRouter({ ready: deps.ready, isShuttingDown: deps.isShuttingDown }));
  // Failed authentications and unknown paths per client address: over the limit, an address is
  // refused before its key costs a lookup.
  const failures = new FailureLimiter(config.rateLimitPerIpPerMinute);
  const recordFailure = (req: express.Request) => failures.record(clientAddress(req));
  app.use(failureGate(failures, () => m.rateLimited.inc({ collector: COLLECTOR_NAME })));

  const requireJson: RequestHandler = (req, _res, next) => {
    if (!req.is('application/json')) {
      next(
        new HttpProblem(
          415,
          'unsupported-media-type',
          'Unsupported media type',
          'send the body as application/json',
          {
            headers: { 'Accept-Post': 'application/json' },
          },
        ),
      );
      return;
    }
    next();
  };

  const rateLimit: RequestHandler = (_req, res, next) => {
    const principal = res.locals.principal as Principal;
    const verdict = limiter.take(principal.keyId);
    if (!verdict.allowed) {
      m.rateLimited.inc({ collector: COLLECTOR_NAME });
      next(
        new HttpProblem(
          429,
          'rate-limited',
          'Too many requests',
          `this API key may make ${config.rateLimitPerSecond} requests per second`,
          {
            headers: { 'Retry-After': String(verdict.retryAfterSeconds) },
          },
        ),
      );
      return;
    }
    next();
  };

  const operations: Record<string, RequestHandler[]> = {
    getOpenApi: [(_req, res) => void res.json(doc)],
    ingestDocuments: [
      traceContext(),
      requireApiKey(deps.keys, 'documents:write', recordFailure),
      requireJson,
      rateLimit,
      express.json({ limit: config.maxBodyBytes, strict: false, type: 'application/json' }),
      async (req, res, next) => {
        const principal = res.locals.principal as Principal;
        const checked = validateBatch(req.body, config.maxDocuments, createdAtBounds(config));
        // The document's schema too, so nothing it calls invalid gets in (the rules agree; this keeps them so).
        const extra = checked.ok ? schemaErrors(req.body) : [];
        const batch = extra.length ? { ok: false as const, errors: extra } : checked;
        if (!batch.ok) {
          const count = Array.isArray(req.body?.documents) ? req.body.documents.length : 0;
          m.documents.inc({ collector: COLLECTOR_NAME, outcome: 'rejected' }, count);
          next(
            new HttpProblem(
              400,
              'invalid-documents',
              'Invalid documents',
              `${batch.errors.length} invalid field(s); nothing was accepted`,
              {
                errors: batch.errors,
              },
            ),
          );
          return;
        }
        const ingestedAt = Date.now();
        const events = batch.documents.map((d) =>
          toRawDocument(d, { tenant: principal.tenant, collector: COLLECTOR_NAME, ingestedAt }),
        );
        const started = performance.now();
        try {
          await deps.publisher.publish(events, {
            'x-request-id': String(res.locals.requestId),
            ...kafkaTraceHeaders(res.locals.trace),
          });
        } catch (err) {
          m.kafkaSend.observe(
            { collector: COLLECTOR_NAME, outcome: 'failure' },
            (performance.now() - started) / 1000,
          );
          m.documents.inc({ collector: COLLECTOR_NAME, outcome: 'failed' }, events.length);
          if (err instanceof DocumentTooLargeError) {
            next(
              new HttpProblem(
                413,
                'document-too-large',
                'Document too large',
                `${err.message}; nothing was accepted`,
                {
                  errors: [
                    {
                      pointer: `/documents/${err.index}`,
                      reason: `is ${err.bytes} bytes as a Kafka record; the topic accepts at most ${err.limit}`,
                    },
                  ],
                },
              ),
            );
          } else if (err instanceof KafkaUnavailableError || err instanceof SchemaUnavailableError) {
            logger.warn(`documents not accepted: ${err.message}`, {
              err,
              http: { request: { id: res.locals.requestId } },
              ...traceLogFields(res.locals.trace),
              event: { action: 'documents-publish', outcome: 'failure' },
            });
            next(
              unavailable(
                'the event store is unavailable; nothing was accepted, resend the same request later',
              ),
            );
          } else {
            next(err);
          }
          return;
        }
        m.kafkaSend.observe(
          { collector: COLLECTOR_NAME, outcome: 'success' },
          (performance.now() - started) / 1000,
        );
        m.documents.inc({ collector: COLLECTOR_NAME, outcome: 'accepted' }, events.length);
        m.batchSize.observe({ collector: COLLECTOR_NAME }, events.length);
        res.locals.logExtra = {
          ...res.locals.logExtra,
          labels: { documents: events.length, tenant: principal.tenant, key_prefix: principal.prefix },
        };
        res.status(202).json({ accepted: events.map((e) => ({ id: e.event_id, source_id: e.source_id })) });
      },
    ],
  };

  // The route table is the document's: one handler chain per operation, 405 for other methods.
  for (const [path, item] of Object.entries(doc.paths)) {
    const route = `/v1${path}`;
    for (const [method, op] of Object.entries(item) as Array<[string, { operationId: string }]>) {
      const chain = operations[op.operationId];
      if (!chain) throw new Error(`no handler for OpenAPI operation ${op.operationId}`);
      (app as unknown as Record<string, (p: string, ...h: RequestHandler[]) => void>)[method]!(
        route,
        ...chain,
      );
    }
    app.all(route, methodNotAllowed(Object.keys(item)));
  }

  app.use(notFound(recordFailure));
  app.use(problemHandler(logger));
  return app;
}
