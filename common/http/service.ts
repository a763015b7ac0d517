/**
 * The life of an HTTP service process: listen, and on SIGTERM/SIGINT stop taking requests, let the
 * in-flight ones finish (up to a deadline), close the service's own clients, exit 0.
 *
 * The app reads `shuttingDown` (readiness turns 503 and new requests are refused) from the moment a
 * signal arrives, so a load balancer drains the instance before it goes.
 */
import http from 'node:http';
import type { Logger } from '../logging/index';
import { startOpsServer, type OpsOptions } from '../metrics/index';

export interface HttpServiceOptions {
  /** In log messages, e.g. "read API". */
  name: string;
  /** Prefix of the ECS event actions: `<action>-started`, `-stopping`, `-stopped`. */
  action: string;
  host: string;
  port: number;
  /** After this long, connections still open are closed. */
  shutdownTimeoutMs: number;
  logger: Logger;
  /** Closes the service's clients (pool, producer) once the last request has been answered. */
  close(): Promise<void>;
  /** The ops port (/metrics, detailed /readyz, /healthz), apart from the public one. */
  ops?: { host: string; port: number; options: OpsOptions };
}

export class HttpService {
  shuttingDown = false;
  private server?: http.Server;
  private opsServer?: Promise<http.Server | undefined>;

  constructor(private readonly options: HttpServiceOptions) {}

  /** Starts listening and handles the stop signals; the process exits 1 when the port is taken. */
  start(app: http.RequestListener, labels: Record<string, string> = {}): http.Server {
    const { name, action, host, logger } = this.options;
    const server = http.createServer(app);
    this.server = server;
    server.keepAliveTimeout = 65_000;
    server.listen(this.options.port, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : this.options.port;
      logger.info(`${name} listening on ${host}:${port}`, {
        event: { action: `${action}-started` },
        url: { port },
        labels,
      });
    });
    server.on('error', (err) => {
      logger.error(`${name} cannot listen: ${err.message}`, { err });
      process.exit(1);
    });
    const ops = this.options.ops;
    if (ops) {
      this.opsServer = startOpsServer(ops.port, ops.options, ops.host).then(
        (s) => {
          const address = s.address();
          const port = typeof address === 'object' && address ? address.port : ops.port;
          logger.info(`${name} ops endpoints on ${ops.host}:${port}`, {
            event: { action: `${action}-ops-started` },
            url: { port },
          });
          return s;
        },
        (err: Error) => {
          logger.error(`${name} cannot listen on its ops port: ${err.message}`, { err });
          process.exit(1);
        },
      );
    }
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        this.stop(signal)
          .then(() => process.exit(0))
          .catch((err: unknown) => {
            logger.error('shutdown failed', { err });
            process.exit(1);
          });
      });
    }
    return server;
  }

  private async stop(signal: string): Promise<void> {
    if (this.shuttingDown || !this.server) return;
    this.shuttingDown = true;
    const { name, action, logger } = this.options;
    const server = this.server;
    logger.info(`${signal} received: finishing in-flight requests`, {
      event: { action: `${action}-stopping` },
    });
    const force = setTimeout(() => {
      logger.warn('shutdown timeout: closing remaining connections');
      server.closeAllConnections();
    }, this.options.shutdownTimeoutMs);
    force.unref();
    // Keep-alive connections become idle once their request is answered; close them as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearInterval(sweep);
    clearTimeout(force);
    const ops = await this.opsServer;
    if (ops) {
      ops.closeAllConnections();
      await new Promise((resolve) => ops.close(resolve));
    }
    await this.options.close();
    logger.info(`${name} stopped`, { event: { action: `${action}-stopped` } });
  }
}
