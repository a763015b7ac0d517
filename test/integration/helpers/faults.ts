/**
 * Faults for one test's own connections, so the shared local stack keeps serving everyone else:
 *
 * - HttpFaultProxy: a loopback HTTP proxy in front of a real service (Elasticsearch, the registry)
 *   that passes requests through, answers every request with a status (401: an expired API key), or
 *   is down (connection refused, its open connections cut).
 * - PostgresFaults: the stack's `absa_faults` login (it acts as the `absa` role, with session
 *   defaults of its own; see stack/components/postgres.sh) made read-only, its sessions cut so the
 *   next ones start read-only, and made writable again.
 */
import http from 'node:http';
import type net from 'node:net';
import pg from 'pg';

export type ProxyMode = 'pass' | 'down' | { status: number };

export class HttpFaultProxy {
  private server: http.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly agent = new http.Agent({ keepAlive: true });
  private mode: ProxyMode = 'pass';
  port = 0;

  constructor(private readonly target: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}${new URL(this.target).pathname.replace(/\/$/, '')}`;
  }

  async start(mode: ProxyMode = 'pass'): Promise<void> {
    this.mode = mode;
    if (mode !== 'down') await this.listen();
  }

  async set(mode: ProxyMode): Promise<void> {
    this.mode = mode;
    if (mode === 'down') await this.close();
    else if (!this.server) await this.listen();
  }

  async stop(): Promise<void> {
    await this.close();
    this.agent.destroy();
  }

  private async listen(): Promise<void> {
    const target = new URL(this.target);
    const server = http.createServer((req, res) => {
      const mode = this.mode;
      if (typeof mode === 'object') {
        req.resume();
        res.writeHead(mode.status, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { type: 'fault_injected', reason: `fault proxy answers ${mode.status}` },
            status: mode.status,
          }),
        );
        return;
      }
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent: this.agent,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  private async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export const FAULTS_DATABASE_URL = 'postgres://absa_faults:absa_faults@127.0.0.1:5432/absa';

export class PostgresFaults {
  private async admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    // Its own session is made writable and acts as absa_faults, whatever the role's defaults say.
    const client = new pg.Client({
      connectionString: FAULTS_DATABASE_URL,
      options: '-c default_transaction_read_only=off -c role=none',
    });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  /** Every session of absa_faults from now on is read-only (as after a failover to a standby). */
  readOnly(on: boolean): Promise<void> {
    return this.admin(async (c) => {
      await c.query(
        on
          ? 'ALTER ROLE absa_faults SET default_transaction_read_only = on'
          : 'ALTER ROLE absa_faults RESET default_transaction_read_only',
      );
      await c.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'absa_faults' AND pid <> pg_backend_pid()",
      );
    });
  }
}
