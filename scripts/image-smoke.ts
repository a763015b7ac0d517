/**
 * `make image-smoke`: runs the built image without a container runtime (none can run here): its
 * root filesystem is mounted by `buildah mount`, bind-mounted read-only (as on Kubernetes, with a
 * tmpfs on /tmp), and the entry point runs from it under chroot as uid 10001 against the local
 * stack, on ports 18080-18301. Checks /healthz of the collector, processor, PostgreSQL sink and
 * API, sends one document through (collector → processor → sink → API), then SIGTERMs every
 * service and expects each to exit 0 after draining.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
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

const SERVICES: Record<string, { port: number; env: Record<string, string> }> = {
  collector: { port: 18090, env: { COLLECTOR_HTTP_PORT: '18090', COLLECTOR_HTTP_RATE_LIMIT_RPS: '0' } },
  processor: { port: 18101, env: { ABSA_PORT: '18101', ABSA_GROUP_ID: groups.absa } },
  'sink-postgres': {
    port: 18301,
    env: {
      SINK_POSTGRES_OPS_PORT: '18301',
      SINK_POSTGRES_GROUP_ID: groups.pg,
      SINK_POSTGRES_MIGRATE: 'false',
    },
  },
  api: { port: 18080, env: { API_PORT: '18080' } },
};

async function waitFor(what: string, seconds: number, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${what}: not within ${seconds}s`);
}

async function main(): Promise<void> {
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
    for (const [name, s] of Object.entries(SERVICES)) {
      await waitFor(
        `${name} /healthz`,
        240,
        async () => (await fetch(`http://127.0.0.1:${s.port}/healthz`)).ok,
      );
      process.stdout.write(`image smoke: ${name} answers /healthz on :${s.port}\n`);
    }
    await waitFor(
      'sink-postgres /readyz',
      120,
      async () => (await fetch('http://127.0.0.1:18301/readyz')).ok,
    );
    await waitFor('processor /readyz', 120, async () => (await fetch('http://127.0.0.1:18101/readyz')).ok);

    const res = await fetch('http://127.0.0.1:18090/v1/documents', {
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
      const r = await fetch(`http://127.0.0.1:18080/v1/documents/${id}`, {
        headers: { 'x-api-key': reader },
      });
      return r.ok;
    });
    const doc = await (
      await fetch(`http://127.0.0.1:18080/v1/documents/${id}`, { headers: { 'x-api-key': reader } })
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
