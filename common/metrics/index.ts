/**
 * Prometheus metrics (prom-client, every name prefixed `absa_`) and the three operational endpoints
 * every process serves: `/metrics`, `/healthz` (the process is alive) and `/readyz` (its dependencies
 * answer). Workers without HTTP start `startOpsServer`. Services that face the internet (collector,
 * read API) serve the details (`/metrics`, `/readyz` with each dependency's error) only on their own
 * ops port (`startOpsServer`), and on the public port only `publicHealthRouter`: `/healthz` and a
 * `/readyz` that says ready or not, nothing else, from a result shared for a second so a flood of
 * probes costs no dependency requests.
 */
import http from 'node:http';
import express, { type Router } from 'express';
import client from 'prom-client';

export const METRIC_PREFIX = 'absa_';

export interface Metrics {
  registry: client.Registry;
  counter<L extends string>(name: string, help: string, labelNames?: readonly L[]): client.Counter<L>;
  gauge<L extends string>(name: string, help: string, labelNames?: readonly L[]): client.Gauge<L>;
  histogram<L extends string>(
    name: string,
    help: string,
    labelNames?: readonly L[],
    buckets?: number[],
  ): client.Histogram<L>;
}

/**
 * A registry of its own per process (never the global one), with default Node metrics and the
 * `service` label on everything. Names are given without the prefix: `counter('collector_documents_total')`
 * registers `absa_collector_documents_total`.
 */
export function createMetrics(service: string, options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics !== false)
    client.collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const full = (name: string): string => (name.startsWith(METRIC_PREFIX) ? name : `${METRIC_PREFIX}${name}`);
  return {
    registry,
    counter: (name, help, labelNames = []) =>
      new client.Counter({ name: full(name), help, labelNames, registers: [registry] }),
    gauge: (name, help, labelNames = []) =>
      new client.Gauge({ name: full(name), help, labelNames, registers: [registry] }),
    histogram: (name, help, labelNames = [], buckets) =>
      new client.Histogram({
        name: full(name),
        help,
        labelNames,
        registers: [registry],
        ...(buckets ? { buckets } : {}),
      }),
  };
}

/** A named dependency probe for /readyz; resolves when reachable, rejects (or times out) when not. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface ReadinessResult {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string; ms: number }>;
}

export async function runReadinessChecks(
  checks: ReadinessCheck[],
  timeoutMs = 2000,
): Promise<ReadinessResult> {
  const entries = await Promise.all(
    checks.map(async (c) => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          c.check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [c.name, { ok: true, ms: Math.round(performance.now() - started) }] as const;
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        return [c.name, { ok: false, error, ms: Math.round(performance.now() - started) }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) };
}

/**
 * Runs the checks at most once per `ttlMs`; callers meanwhile share the last result, and callers
 * during a run share that run.
 */
export function cachedReadiness(
  checks: ReadinessCheck[],
  ttlMs = 1000,
  timeoutMs = 2000,
): () => Promise<ReadinessResult> {
  let last: { at: number; result: ReadinessResult } | undefined;
  let running: Promise<ReadinessResult> | undefined;
  return () => {
    if (last && performance.now() - last.at < ttlMs) return Promise.resolve(last.result);
    running ??= runReadinessChecks(checks, timeoutMs)
      .then((result) => {
        last = { at: performance.now(), result };
        return result;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
}

export interface OpsOptions {
  metrics: Metrics;
  readiness?: ReadinessCheck[];
  /** Shared readiness (cachedReadiness); wins over `readiness`. */
  ready?: () => Promise<ReadinessResult>;
  /** Set while shutting down: /readyz answers 503 so load balancers stop sending traffic. */
  isShuttingDown?: () => boolean;
}

/** The public port's health endpoints: liveness, and readiness without any detail. */
export function publicHealthRouter(options: {
  ready: () => Promise<ReadinessResult>;
  isShuttingDown?: () => boolean;
}): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = !options.isShuttingDown?.() && (await options.ready()).ready;
    res.status(ready ? 200 : 503).json({ ready });
  });
  return router;
}

export function opsRouter(options: OpsOptions): Router {
  const router = express.Router();
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', options.metrics.registry.contentType);
    res.send(await options.metrics.registry.metrics());
  });
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (options.isShuttingDown?.()) {
      res.status(503).json({ ready: false, reason: 'shutting down', checks: {} });
      return;
    }
    const result = options.ready ? await options.ready() : await runReadinessChecks(options.readiness ?? []);
    res.status(result.ready ? 200 : 503).json(result);
  });
  return router;
}

/** A small HTTP server with only the ops endpoints, for processes that serve nothing else. */
export async function startOpsServer(
  port: number,
  options: OpsOptions,
  host = '0.0.0.0',
): Promise<http.Server> {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRouter(options));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
