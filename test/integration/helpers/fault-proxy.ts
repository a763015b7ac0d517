/**
 * A TCP proxy on loopback that can be switched off and on: an outage of the service behind it for
 * one client, without stopping the shared service. While down it closes every open connection and
 * resets new ones, as a stopped server would.
 */
import net from 'node:net';
import type { Client } from '@elastic/elasticsearch';

export class FaultProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private down = false;

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  /** Listens on the first free port of [from, to]. */
  static async start(target: { host: string; port: number }, from: number, to: number): Promise<FaultProxy> {
    for (let port = from + Math.floor(Math.random() * (to - from)), tries = 0; tries <= to - from; tries++) {
      const proxy = new FaultProxy(port, target);
      const ok = await new Promise<boolean>((resolve) => {
        proxy.server.once('error', () => resolve(false));
        proxy.server.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (ok) return proxy;
      port = port >= to ? from : port + 1;
    }
    throw new Error(`no free port in ${from}-${to}`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setDown(down: boolean): void {
    this.down = down;
    if (down) for (const s of this.sockets) s.destroy();
  }

  private accept(client: net.Socket): void {
    if (this.down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }

  async close(): Promise<void> {
    this.setDown(true);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A free TCP port on loopback within [from, to]. */
export async function freePortIn(from: number, to: number): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    const server = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  throw new Error(`no free port in ${from}-${to}`);
}

/** Deletes the indices matching a pattern by name (wildcard deletes are refused by default in Elasticsearch 8). */
export async function deleteIndices(es: Client, pattern: string): Promise<void> {
  const rows = (await es.cat.indices({ index: pattern, h: 'index', format: 'json' })) as Array<{
    index?: string;
  }>;
  const names = rows.map((r) => r.index).filter((n): n is string => Boolean(n));
  if (names.length > 0) await es.indices.delete({ index: names.join(',') });
}
