/**
 * The process shell of a sink: ops server first (so /healthz answers during start-up), then the
 * sink, which waits for unavailable dependencies instead of exiting; SIGTERM/SIGINT stop it
 * gracefully (exit 0); only a start-up failure that waiting cannot mend (bad configuration) exits 1.
 */
import type http from 'node:http';
import type { Logger } from '../../common/logging/index';
import { startOpsServer, type Metrics, type ReadinessCheck } from '../../common/metrics/index';

export interface RunningSink {
  readiness: ReadinessCheck[];
  stop(): Promise<void>;
}

export function runSinkProcess(options: {
  service: string;
  logger: Logger;
  metrics: Metrics;
  opsPort: number;
  shutdownTimeoutMs: number;
  start: () => Promise<RunningSink>;
}): void {
  const { logger, service } = options;
  let sink: RunningSink | undefined;
  let stopping = false;
  let server: http.Server | undefined;
  const readiness: ReadinessCheck[] = [
    {
      name: 'sink',
      check: async () => {
        if (!sink) throw new Error('starting');
      },
    },
  ];

  const shutdown = async (signal: string, code: number): Promise<never> => {
    if (stopping) return new Promise<never>(() => {});
    stopping = true;
    logger.info(`${signal}: finishing the in-flight batch, then leaving the group`, {
      event: { action: 'sink-stopping' },
    });
    const force = setTimeout(() => {
      logger.error(`${service} did not stop within ${options.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, options.shutdownTimeoutMs);
    force.unref();
    try {
      await sink?.stop();
      server?.close();
      logger.info(`${service} stopped`, { event: { action: 'sink-stopped' } });
    } catch (err) {
      logger.error('shutdown failed', { err });
      code = 1;
    }
    process.exit(code);
  };

  const main = async (): Promise<void> => {
    server = await startOpsServer(options.opsPort, {
      metrics: options.metrics,
      readiness,
      isShuttingDown: () => stopping,
    });
    const address = server.address();
    logger.info(
      `${service} ops endpoints on port ${typeof address === 'object' && address ? address.port : options.opsPort}`,
      {
        event: { action: 'ops-listening' },
      },
    );
    const started = await options.start();
    sink = started;
    readiness.splice(0, readiness.length, ...started.readiness);
    if (stopping) await started.stop();
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal, 0));
  main().catch((err: unknown) => {
    logger.error(`${service} failed to start: ${(err as Error).message}`, {
      err,
      event: { action: 'sink-start-failed' },
    });
    void shutdown('start-up failure', 1);
  });
}
