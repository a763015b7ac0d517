/**
 * `make image-smoke`: runs the built image without a container runtime (none can run here): its
 * root filesystem is mounted by `buildah mount`, bind-mounted read-only (as on Kubernetes, with a
 * tmpfs on /tmp), and the entry point runs from it under chroot as uid 10001 against the local
 * stack. Every port, public and ops, is a free one picked at start, so running services (and their
 * ops ports 9380/9390) are never in the way. Checks /healthz on the ops port of the collector,
 * processor, PostgreSQL sink and API and the dashboard the API serves under /, sends one document
 * through (collector → processor → sink → API), then SIGTERMs every service and expects each to
 * exit 0 after draining.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { ApiKeyStore } from '../common/apikeys/store';
import { TOPICS } from '../schemas/topics';

const IMAGE = process.argv[2] ?? `aspect-stream:${process.env.npm_package_version ?? '0.1.0'}`;
const B = ['--storage-driver', 'vfs'];
const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' }).trim();
const DB = 'postgres://absa:absa@127.0.0.1:5432/absa';
const suffix = randomBytes(3).toString('hex');
const tenant = `smoke-${suffix}`;
const groups = { absa: `smoke-${suffix}-absa`, pg: `smoke-${suffix}-pg` };

/** n distinct ports nothing listens on now (the OS picks them; all held until all are picked). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

interface Service {
  /** /healthz, /readyz and /metrics. */
  ops: number;
  /** The port clients call (collector, API). */
  public?: number;
  env: Record<string, string>;
}

async function services(): Promise<Record<string, Service>> {
  const [collector, collectorOps, processorOps, sinkOps, api, apiOps] = await freePorts(6);
  return {
    collector: {
      ops: collectorOps!,
      public: collector!,
      env: {
        COLLECTOR_HTTP_PORT: String(collector),
        COLLECTOR_HTTP_OPS_PORT: String(collectorOps),
        COLLECTOR_HTTP_RATE_LIMIT_RPS: '0',
      },
    },
    processor: { ops: processorOps!, env: { ABSA_PORT: String(processorOps), ABSA_GROUP_ID: groups.absa } },
    'sink-postgres': {
      ops: sinkOps!,
      env: {
        SINK_POSTGRES_OPS_PORT: String(sinkOps),
        SINK_POSTGRES_GROUP_ID: groups.pg,
        SINK_POSTGRES_MIGRATE: 'false',
      },
    },
    api: { ops: apiOps!, public: api!, env: { API_PORT: String(api), API_OPS_PORT: String(apiOps) } },
  };
}

async function waitFor(what: string, seconds: number, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${what}: not within ${seconds}s`);
}

async function main(): Promise<void> {
  const SERVICES = await services();
  const url = (name: string, port: 'ops' | 'public', rest: string): string =>
    `http://127.0.0.1:${SERVICES[name]![port]}${rest}`;
  const ctr = sh('buildah', [...B, 'from', IMAGE]);
  const mnt = sh('buildah', [...B, 'mount', ctr]);
  const root = mkdtempSync(path.join(os.tmpdir(), 'aspect-stream-smoke-'));
  const mounts: string[] = [];
  const children: Array<{ name: string; child: ChildProcess; exit: Promise<number | null> }> = [];
  const pool = new pg.Pool({ connectionString: DB, max: 2 });
  const admin = new Kafka({
    clientId: 'image-smoke',
    brokers: ['127.0.0.1:9092'],
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    // The image read-only, as Kubernetes runs it; /proc and /dev for Node, a tmpfs for /tmp.
    sh('mount', ['--bind', mnt, root]);
    mounts.push(root);
    sh('mount', ['-o', 'remount,bind,ro', root]);
    for (const [args, dir] of [
      [['-t', 'proc', 'proc'], 'proc'],
      [['--bind', '/dev'], 'dev'],
      [['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs'], 'tmp'],
    ] as const) {
      sh('mount', [...args, path.join(root, dir)]);
      mounts.push(path.join(root, dir));
    }
    const store = new ApiKeyStore(pool);
    const ingest = (await store.create({ tenant, name: 'smoke-ingest', role: 'ingest' })).key;
    const reader = (await store.create({ tenant, name: 'smoke-reader', role: 'reader' })).key;
    // Fresh groups start at the end of their topics, so the smoke run processes only its own document.
    await admin.connect();
    for (const [groupId, topic] of [
      [groups.absa, TOPICS.rawText],
      [groups.pg, TOPICS.documents],
    ] as const) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
      });
    }

    for (const [name, s] of Object.entries(SERVICES)) {
      // No PID namespace under chroot: tini is not PID 1, so it reaps as a subreaper instead.
      const env = {
        PATH: '/usr/bin:/bin',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        TINI_SUBREAPER: '1',
        ...s.env,
      };
      const child = spawn(
        '/usr/sbin/chroot',
        ['--userspec=10001:10001', root, '/usr/bin/tini', '--', '/usr/local/bin/aspect-stream', name],
        { env, stdio: ['ignore', 'inherit', 'inherit'] },
      );
      const exit = new Promise<number | null>((r) => {
        child.on('exit', (code) => r(code));
        child.on('error', (err) => {
          process.stderr.write(`image smoke: ${name} did not start: ${err.message}\n`);
          r(-1);
        });
      });
      children.push({ name, child, exit });
    }
    for (const name of Object.keys(SERVICES)) {
      await waitFor(`${name} /healthz`, 240, async () => (await fetch(url(name, 'ops', '/healthz'))).ok);
      process.stdout.write(`image smoke: ${name} answers /healthz on :${SERVICES[name]!.ops}\n`);
    }
    for (const name of ['sink-postgres', 'processor'])
      await waitFor(`${name} /readyz`, 120, async () => (await fetch(url(name, 'ops', '/readyz'))).ok);

    // The dashboard is in the image: the API serves its index.html under /.
    const ui = await fetch(url('api', 'public', '/'));
    const page = await ui.text();
    if (!ui.ok || !page.includes('<div id="app">'))
      throw new Error(`API / answered ${ui.status}: ${page.slice(0, 200)}`);
    process.stdout.write('image smoke: the API serves the dashboard under /\n');

    const res = await fetch(url('collector', 'public', '/v1/documents'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ingest },
      body: JSON.stringify({
        documents: [
          {
            source: 'image-smoke',
            source_id: `smoke-${suffix}`,
            entity: 'Smoke Cafe',
            text: 'The coffee was great but the service was slow.',
          },
        ],
      }),
    });
    if (res.status !== 202) throw new Error(`collector answered ${res.status}: ${await res.text()}`);
    const id = ((await res.json()) as { accepted: Array<{ id: string }> }).accepted[0]!.id;
    const started = Date.now();
    await waitFor('the document in the API', 180, async () => {
      const r = await fetch(url('api', 'public', `/v1/documents/${id}`), {
        headers: { 'x-api-key': reader },
      });
      return r.ok;
    });
    const doc = await (
      await fetch(url('api', 'public', `/v1/documents/${id}`), { headers: { 'x-api-key': reader } })
    ).json();
    process.stdout.write(
      `image smoke: document ${id} went through in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(doc).slice(0, 300)}\n`,
    );

    for (const c of [...children].reverse()) c.child.kill('SIGTERM');
    for (const c of children) {
      const code = await c.exit;
      if (code !== 0) throw new Error(`${c.name} exited ${code} on SIGTERM`);
      process.stdout.write(`image smoke: ${c.name} drained and exited 0 on SIGTERM\n`);
    }
    process.stdout.write('image smoke: passed\n');
  } finally {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    await pool.query('DELETE FROM api_keys WHERE tenant = $1', [tenant]).catch(() => undefined);
    await pool.end();
    await admin.deleteGroups([groups.absa, groups.pg]).catch(() => undefined);
    await admin.disconnect();
    for (const m of mounts.reverse()) execFileSync('umount', ['-l', m]);
    execFileSync('rmdir', [root]);
    execFileSync('buildah', [...B, 'rm', ctr], { stdio: 'ignore' });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`image smoke failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
