/**
 * Backup and restore of everything needed to rebuild the pipeline's data on a clean stack:
 *   postgres.dump     pg_dump (custom format, one consistent snapshot): documents, mentions,
 *                     rollups and API keys (api_keys; also listed in api-keys.json without hashes)
 *   elasticsearch/    a snapshot of the <prefix>-* indices in a filesystem repository (the node's
 *                     path.repo must contain the backup folder: stack/ sets it to backups/)
 *   registry.json     every subject's versions from the schema registry
 *   kafka.json        topic configurations and the committed offsets of the consumer groups
 *   manifest.json     when, from where, counts and sizes
 * PostgreSQL is the source of truth for documents and mentions; Elasticsearch can be rebuilt from
 * it (or from Kafka within retention) when its snapshot is missing (docs/operations.md).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { TOPIC_DEFINITIONS } from '../../schemas/topics';

const run = promisify(execFile);

export interface Targets {
  databaseUrl: string;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  elasticsearchUrl: string;
  indexPrefix: string;
}

export interface Manifest {
  createdAt: string;
  source: { database: string; indexPrefix: string; kafka: string[]; registry: string };
  counts: Record<string, number>;
  bytes: Record<string, number>;
  elasticsearch: { snapshot: string; repository: string } | { skipped: string };
  seconds: number;
}

/** PostgreSQL 15 tools of Debian's package, else whatever is on PATH. */
function pgTool(name: string): string {
  const debian = `/usr/lib/postgresql/15/bin/${name}`;
  return existsSync(debian) ? debian : name;
}

function dirBytes(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.size;
  return readdirSync(p).reduce((n, f) => n + dirBytes(path.join(p, f)), 0);
}

async function es(
  base: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok)
    throw new Error(`Elasticsearch ${method} ${url}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

async function registry(base: string, url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(`${base}${url}`, {
    ...init,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...init?.headers },
  });
  if (!res.ok) throw new Error(`registry ${init?.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

const kafkaOf = (brokers: string[]): Kafka =>
  new Kafka({ clientId: 'aspect-stream-backup', brokers, logLevel: logLevel.NOTHING });

/** Counts a restore is compared against. */
export async function countRows(databaseUrl: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const out: Record<string, number> = {};
    for (const table of ['documents', 'aspect_mentions', 'api_keys']) {
      const exists = await client.query('SELECT to_regclass($1) AS t', [table]);
      if (!exists.rows[0].t) continue;
      out[table] = Number((await client.query(`SELECT count(*)::bigint AS n FROM ${table}`)).rows[0].n);
    }
    return out;
  } finally {
    await client.end();
  }
}

export async function backup(t: Targets, dir: string, groups: string[]): Promise<Manifest> {
  const started = Date.now();
  mkdirSync(dir, { recursive: true });
  const counts: Record<string, number> = {};

  await run(pgTool('pg_dump'), [
    '-Fc',
    '--no-owner',
    '--no-privileges',
    '-f',
    path.join(dir, 'postgres.dump'),
    t.databaseUrl,
  ]);
  Object.assign(counts, await countRows(t.databaseUrl));
  const client = new pg.Client({ connectionString: t.databaseUrl });
  await client.connect();
  try {
    const keys = await client.query(
      'SELECT id, tenant, name, role, key_prefix, created_at, revoked_at FROM api_keys ORDER BY created_at',
    );
    writeFileSync(path.join(dir, 'api-keys.json'), JSON.stringify(keys.rows, null, 2));
  } finally {
    await client.end();
  }

  const subjects = (await registry(t.schemaRegistryUrl, '/subjects')) as string[];
  const schemas: Array<{ subject: string; version: number; schemaType?: string; schema: string }> = [];
  for (const subject of subjects) {
    for (const version of (await registry(
      t.schemaRegistryUrl,
      `/subjects/${encodeURIComponent(subject)}/versions`,
    )) as number[]) {
      const s = (await registry(
        t.schemaRegistryUrl,
        `/subjects/${encodeURIComponent(subject)}/versions/${version}`,
      )) as {
        schema: string;
        schemaType?: string;
      };
      schemas.push({ subject, version, schemaType: s.schemaType, schema: s.schema });
    }
  }
  writeFileSync(path.join(dir, 'registry.json'), JSON.stringify(schemas, null, 2));
  counts.schemas = schemas.length;

  const admin = kafkaOf(t.kafkaBrokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const names = TOPIC_DEFINITIONS.map((d) => d.name).filter((n) => existing.has(n));
    const meta = await admin.fetchTopicMetadata({ topics: names });
    const configs = await admin.describeConfigs({
      resources: names.map((name) => ({ type: 2, name })),
      includeSynonyms: false,
    });
    const topics = meta.topics.map((m) => ({
      name: m.name,
      partitions: m.partitions.length,
      replicationFactor: m.partitions[0]?.replicas.length ?? 1,
      config: Object.fromEntries(
        (configs.resources.find((r) => r.resourceName === m.name)?.configEntries ?? [])
          .filter((e) => !e.isDefault && !e.readOnly)
          .map((e) => [e.configName, e.configValue]),
      ),
    }));
    const offsets: Record<
      string,
      Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>
    > = {};
    for (const group of groups) {
      const fetched = await admin.fetchOffsets({ groupId: group });
      const committed = fetched
        .map((f) => ({
          topic: f.topic,
          partitions: f.partitions
            .filter((p) => Number(p.offset) >= 0)
            .map((p) => ({ partition: p.partition, offset: p.offset })),
        }))
        .filter((f) => f.partitions.length > 0);
      if (committed.length) offsets[group] = committed;
    }
    writeFileSync(path.join(dir, 'kafka.json'), JSON.stringify({ topics, offsets }, null, 2));
    counts.topics = topics.length;
    counts.groups = Object.keys(offsets).length;
  } finally {
    await admin.disconnect();
  }

  let elasticsearch: Manifest['elasticsearch'];
  const nodes = (await es(
    t.elasticsearchUrl,
    'GET',
    '/_nodes/settings?filter_path=nodes.*.settings.path.repo',
  )) as {
    nodes?: Record<string, { settings: { path: { repo?: string | string[] } } }>;
  };
  const repoPaths = Object.values(nodes.nodes ?? {}).flatMap((n) => [n.settings.path.repo ?? []].flat());
  const location = path.resolve(dir, 'elasticsearch');
  if (!repoPaths.some((r) => location.startsWith(path.resolve(r) + path.sep))) {
    elasticsearch = {
      skipped: `the node's path.repo (${repoPaths.join(', ') || 'none'}) does not contain ${location}`,
    };
  } else {
    const repository = `aspect-stream-backup-${path.basename(dir)}`;
    await es(t.elasticsearchUrl, 'PUT', `/_snapshot/${repository}`, { type: 'fs', settings: { location } });
    const snapshot = 'snapshot';
    const result = (await es(
      t.elasticsearchUrl,
      'PUT',
      `/_snapshot/${repository}/${snapshot}?wait_for_completion=true`,
      {
        indices: `${t.indexPrefix}-*`,
        include_global_state: false,
      },
    )) as { snapshot: { state: string; indices: string[] } };
    if (result.snapshot.state !== 'SUCCESS')
      throw new Error(`Elasticsearch snapshot ended ${result.snapshot.state}`);
    await es(t.elasticsearchUrl, 'DELETE', `/_snapshot/${repository}`); // the files stay in the folder
    counts.indices = result.snapshot.indices.length;
    elasticsearch = { snapshot, repository };
  }

  const manifest: Manifest = {
    createdAt: new Date(started).toISOString(),
    source: {
      database: new URL(t.databaseUrl).pathname.slice(1),
      indexPrefix: t.indexPrefix,
      kafka: t.kafkaBrokers,
      registry: t.schemaRegistryUrl,
    },
    counts,
    bytes: {
      postgres: dirBytes(path.join(dir, 'postgres.dump')),
      elasticsearch: dirBytes(location),
      total: dirBytes(dir),
    },
    elasticsearch,
    seconds: (Date.now() - started) / 1000,
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

export interface RestoreOptions {
  registryGroup: string;
  groupSuffix: string;
  createDatabase: boolean;
}

/**
 * The local server's socket folder (the stack keeps it in its data folder), found from the
 * listening sockets: only a superuser may read unix_socket_directories.
 */
export async function pgSocketDir(port: number): Promise<string> {
  const { stdout } = await run('ss', ['-xlnH']);
  const socket = stdout.split(/\s+/).find((f) => f.endsWith(`/.s.PGSQL.${port}`));
  if (!socket) throw new Error(`restore: no PostgreSQL socket for port ${port} on this machine`);
  return path.dirname(socket);
}

/** Creates the target database as the superuser over the stack's socket (local stack only). */
async function createDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const db = url.pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(db))
    throw new Error(`restore: database name ${db} is not a plain identifier`);
  const socketDir = await pgSocketDir(Number(url.port || 5432));
  const user = decodeURIComponent(url.username);
  const psql = [
    pgTool('psql'),
    '-X',
    '-q',
    '-h',
    socketDir,
    '-p',
    url.port || '5432',
    '-d',
    'postgres',
    '-v',
    'ON_ERROR_STOP=1',
  ];
  await run('runuser', ['-u', 'postgres', '--', ...psql, '-c', `CREATE DATABASE ${db} OWNER ${user}`]);
  await run('runuser', [
    '-u',
    'postgres',
    '--',
    ...psql.slice(0, -4),
    '-d',
    db,
    '-c',
    'CREATE EXTENSION IF NOT EXISTS vector',
  ]);
}

/**
 * Drops the owner's tables (a partitioned parent takes its partitions along) before pg_restore: a
 * database that `make up` migrated has this month's partitions, whose inherited primary keys
 * pg_restore --clean cannot drop one by one ("cannot drop inherited constraint"). The dump
 * recreates every table; the functions and the vector extension stay for --clean to handle.
 */
async function dropOwnTables(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT quote_ident(c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND pg_get_userbyid(c.relowner) = current_user`,
    );
    if (rows.length) await client.query(`DROP TABLE IF EXISTS ${rows.map((r) => r.name).join(', ')} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Elasticsearch refuses to restore over an open index of the same name, and `make up` (es:setup)
 * creates this month's indices empty. Deletes the snapshot's target indices that exist but hold no
 * document; one that holds documents stops the restore, naming it, instead of being overwritten.
 */
async function clearRestoreTargets(
  base: string,
  repository: string,
  snapshot: string,
  from: string,
  to: string,
): Promise<void> {
  const info = (await es(base, 'GET', `/_snapshot/${repository}/${snapshot}`)) as {
    snapshots: Array<{ indices: string[] }>;
  };
  const targets = (info.snapshots[0]?.indices ?? [])
    .filter((i) => i.startsWith(`${from}-`))
    .map((i) => `${to}-${i.slice(from.length + 1)}`);
  for (const index of targets) {
    const res = await fetch(`${base}/${index}/_count`);
    if (res.status === 404) continue;
    const { count } = (await res.json()) as { count: number };
    if (count > 0)
      throw new Error(
        `restore: Elasticsearch index ${index} already holds ${count} documents; delete it to restore`,
      );
    await es(base, 'DELETE', `/${index}`);
  }
}

export async function restore(
  t: Targets,
  dir: string,
  o: RestoreOptions,
): Promise<{ seconds: number; counts: Record<string, number> }> {
  const started = Date.now();
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  if (o.createDatabase) await createDatabase(t.databaseUrl);
  else await dropOwnTables(t.databaseUrl);
  // --clean drops what the dump recreates, so a restore over a half-restored database converges.
  await run(pgTool('pg_restore'), [
    '--no-owner',
    '--no-privileges',
    '--clean',
    '--if-exists',
    '-d',
    t.databaseUrl,
    path.join(dir, 'postgres.dump'),
  ]).catch((err: { stderr?: string }) => {
    // The vector extension belongs to the superuser: dropping or re-creating it is not the owner's to do.
    const errors = (err.stderr ?? '')
      .split('\n')
      .filter((l) => l.includes('error:') && !/extension vector/.test(l));
    if (errors.length) throw new Error(`pg_restore: ${errors.slice(0, 5).join('; ')}`);
  });

  const schemas = JSON.parse(readFileSync(path.join(dir, 'registry.json'), 'utf8')) as Array<{
    subject: string;
    version: number;
    schemaType?: string;
    schema: string;
  }>;
  for (const s of schemas.sort((a, b) => a.subject.localeCompare(b.subject) || a.version - b.version)) {
    if (o.registryGroup) {
      // Apicurio's own API: the same subjects in a separate group, beside the default group's.
      const base = t.schemaRegistryUrl.replace(/\/apis\/ccompat\/v7\/?$/, '/apis/registry/v3');
      const res = await fetch(
        `${base}/groups/${encodeURIComponent(o.registryGroup)}/artifacts?ifExists=FIND_OR_CREATE_VERSION`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            artifactId: s.subject,
            artifactType: s.schemaType ?? 'AVRO',
            firstVersion: { content: { content: s.schema, contentType: 'application/json' } },
          }),
        },
      );
      if (!res.ok)
        throw new Error(`registry: restoring ${s.subject} v${s.version}: ${res.status} ${await res.text()}`);
    } else {
      await registry(t.schemaRegistryUrl, `/subjects/${encodeURIComponent(s.subject)}/versions`, {
        method: 'POST',
        body: JSON.stringify({ schema: s.schema, ...(s.schemaType ? { schemaType: s.schemaType } : {}) }),
      });
    }
  }

  const kafkaState = JSON.parse(readFileSync(path.join(dir, 'kafka.json'), 'utf8')) as {
    topics: Array<{
      name: string;
      partitions: number;
      replicationFactor: number;
      config: Record<string, string>;
    }>;
    offsets: Record<
      string,
      Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>
    >;
  };
  const admin = kafkaOf(t.kafkaBrokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = kafkaState.topics.filter((x) => !existing.has(x.name));
    if (missing.length)
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((x) => ({
          topic: x.name,
          numPartitions: x.partitions,
          replicationFactor: x.replicationFactor,
          configEntries: Object.entries(x.config).map(([name, value]) => ({ name, value })),
        })),
      });
    // An offset past the end of a topic (the topic was recreated empty) means "nothing left to read": the end.
    for (const [group, topics] of Object.entries(kafkaState.offsets)) {
      for (const { topic, partitions } of topics) {
        const ends = new Map(
          (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]),
        );
        await admin.setOffsets({
          groupId: `${group}${o.groupSuffix}`,
          topic,
          partitions: partitions.map((p) => {
            const end = ends.get(p.partition) ?? 0n;
            return {
              partition: p.partition,
              offset: String(BigInt(p.offset) > end ? end : BigInt(p.offset)),
            };
          }),
        });
      }
    }
  } finally {
    await admin.disconnect();
  }

  if ('snapshot' in manifest.elasticsearch) {
    const location = path.resolve(dir, 'elasticsearch');
    const repository = `aspect-stream-restore-${path.basename(dir)}`;
    await es(t.elasticsearchUrl, 'PUT', `/_snapshot/${repository}`, {
      type: 'fs',
      settings: { location, readonly: true },
    });
    try {
      const from = manifest.source.indexPrefix;
      const renamed = from !== t.indexPrefix;
      await clearRestoreTargets(
        t.elasticsearchUrl,
        repository,
        manifest.elasticsearch.snapshot,
        from,
        t.indexPrefix,
      );
      await es(
        t.elasticsearchUrl,
        'POST',
        `/_snapshot/${repository}/${manifest.elasticsearch.snapshot}/_restore?wait_for_completion=true`,
        {
          indices: `${from}-*`,
          include_global_state: false,
          // Into another prefix the aliases would clash with the source's; they are re-created below.
          include_aliases: !renamed,
          ...(renamed ? { rename_pattern: `^${from}-(.*)$`, rename_replacement: `${t.indexPrefix}-$1` } : {}),
        },
      );
      if (renamed) {
        const indices = Object.keys(await es(t.elasticsearchUrl, 'GET', `/${t.indexPrefix}-*`));
        // Only the monthly indices sit behind an alias; the first-created index is read by its name.
        const monthly = /-\d{4}\.\d{2}$/;
        const actions = indices
          .filter((index) => monthly.test(index))
          .map((index) => ({ add: { index, alias: index.replace(monthly, '') } }));
        if (actions.length) await es(t.elasticsearchUrl, 'POST', '/_aliases', { actions });
      }
    } finally {
      await es(t.elasticsearchUrl, 'DELETE', `/_snapshot/${repository}`);
    }
  }
  return { seconds: (Date.now() - started) / 1000, counts: await countRows(t.databaseUrl) };
}
