/**
 * make backup / make restore on the real local stack, without touching what others use: the
 * backup reads the stack as it is; the restore goes into fresh targets (a new database, a
 * separate registry group, suffixed consumer groups, a new index prefix), which are removed after.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { TOPICS } from '../../schemas/topics';
import { ROOT } from '../../scripts/config-specs';
import { backup, pgSocketDir, restore, type Manifest } from '../../scripts/backup/backup';

const run = promisify(execFile);
const SOURCE_DB = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';
const KAFKA = ['127.0.0.1:9092'];
const REGISTRY = 'http://127.0.0.1:8081/apis/ccompat/v7';
const ES = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';

describe('backup and restore', function () {
  this.timeout(300_000);
  const suffix = randomBytes(4).toString('hex');
  const tenant = `bk-${suffix}`;
  const group = `bk-test-${suffix}`;
  const restoredDb = `absa_restore_${suffix}`;
  const restoredUrl = SOURCE_DB.replace(/\/[^/?]+(\?|$)/, `/${restoredDb}$1`);
  const registryGroup = `restore-${suffix}`;
  const indexPrefix = `rs${suffix}`;
  // Under the checkout's backups/, which the stack's Elasticsearch has as path.repo.
  const dir = path.join(ROOT, 'backups', `test-${suffix}`);
  const kafka = new Kafka({ clientId: 'backup-test', brokers: KAFKA, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let pool: pg.Pool;
  let keyPrefix: string;
  let manifest: Manifest;
  let restoreSeconds: number;

  before(async () => {
    mkdirSync(dir, { recursive: true });
    pool = new pg.Pool({ connectionString: SOURCE_DB, max: 2 });
    keyPrefix = (await new ApiKeyStore(pool).create({ tenant, name: 'backup-test', role: 'reader' })).record
      .prefix;
    await admin.connect();
    // A consumer group of this test with committed offsets on the raw topic, as a stopped processor leaves them.
    const ends = await admin.fetchTopicOffsets(TOPICS.rawText);
    await admin.setOffsets({
      groupId: group,
      topic: TOPICS.rawText,
      partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
    });
    const targets = {
      databaseUrl: SOURCE_DB,
      kafkaBrokers: KAFKA,
      schemaRegistryUrl: REGISTRY,
      elasticsearchUrl: ES,
      indexPrefix: 'absa',
    };
    manifest = await backup(targets, dir, [group]);
    const restored = await restore({ ...targets, databaseUrl: restoredUrl, indexPrefix }, dir, {
      registryGroup,
      groupSuffix: '-restored',
      createDatabase: true,
    });
    restoreSeconds = restored.seconds;
    process.stdout.write(
      `      backup ${manifest.seconds}s, ${manifest.bytes.total} bytes; restore ${restoreSeconds}s\n`,
    );
  });

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await pool?.query('DELETE FROM api_keys WHERE tenant = $1', [tenant]).catch(() => undefined);
    await pool?.end();
    await admin.deleteGroups([group, `${group}-restored`]).catch(() => undefined);
    await admin.disconnect();
    await fetch(`${REGISTRY.replace('/ccompat/v7', '/registry/v3')}/groups/${registryGroup}`, {
      method: 'DELETE',
    }).catch(() => undefined);
    // Elasticsearch 8 refuses wildcard deletes: name the restored indices.
    const restored = await fetch(`${ES}/_cat/indices/${indexPrefix}-*?h=index`).then((r) => r.text());
    const names = restored.split('\n').filter(Boolean).join(',');
    if (names) await fetch(`${ES}/${names}`, { method: 'DELETE' }).catch(() => undefined);
    const host = await pgSocketDir(5432);
    await run('runuser', [
      '-u',
      'postgres',
      '--',
      'psql',
      '-X',
      '-q',
      '-h',
      host,
      '-d',
      'postgres',
      '-c',
      `DROP DATABASE IF EXISTS ${restoredDb}`,
    ]).catch(() => undefined);
  });

  it('writes a folder with the dump, schemas, topics, offsets and a manifest of counts and sizes', () => {
    for (const f of ['postgres.dump', 'registry.json', 'kafka.json', 'api-keys.json', 'manifest.json']) {
      expect(() => readFileSync(path.join(dir, f)), f).to.not.throw();
    }
    expect(manifest.counts.api_keys).to.be.greaterThan(0);
    expect(manifest.bytes.postgres).to.be.greaterThan(0);
    const keys = JSON.parse(readFileSync(path.join(dir, 'api-keys.json'), 'utf8')) as Array<{
      tenant: string;
    }>;
    expect(keys.some((k) => k.tenant === tenant)).to.equal(true);
  });

  it('restores PostgreSQL into a new database with the same API keys and the same schema', async () => {
    const restored = new pg.Client({ connectionString: restoredUrl });
    await restored.connect();
    try {
      const key = await restored.query('SELECT key_prefix, key_hash FROM api_keys WHERE tenant = $1', [
        tenant,
      ]);
      const original = await pool.query('SELECT key_prefix, key_hash FROM api_keys WHERE tenant = $1', [
        tenant,
      ]);
      expect(key.rows).to.deep.equal(original.rows);
      expect(key.rows[0].key_prefix).to.equal(keyPrefix);
      const tables = async (c: { query: pg.Pool['query'] }): Promise<string[]> =>
        (await c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map(
          (r) => r.tablename as string,
        );
      expect(await tables(restored)).to.deep.equal(await tables(pool));
    } finally {
      await restored.end();
    }
  });

  it('restores every schema version into a separate registry group', async () => {
    const schemas = JSON.parse(readFileSync(path.join(dir, 'registry.json'), 'utf8')) as Array<{
      subject: string;
    }>;
    const res = await fetch(
      `${REGISTRY.replace('/ccompat/v7', '/registry/v3')}/groups/${registryGroup}/artifacts?limit=1000`,
    );
    const body = (await res.json()) as { artifacts: Array<{ artifactId: string }> };
    expect(body.artifacts.map((a) => a.artifactId).sort()).to.deep.equal(
      [...new Set(schemas.map((s) => s.subject))].sort(),
    );
  });

  it('restores the committed offsets of the consumer groups', async () => {
    const original = await admin.fetchOffsets({ groupId: group, topics: [TOPICS.rawText] });
    const restored = await admin.fetchOffsets({ groupId: `${group}-restored`, topics: [TOPICS.rawText] });
    expect(restored).to.deep.equal(original);
  });

  it('restores the Elasticsearch snapshot under a new index prefix when the node has path.repo', async function () {
    if ('skipped' in manifest.elasticsearch) this.skip();
    const count = async (prefix: string): Promise<number> =>
      ((await (await fetch(`${ES}/${prefix}-*/_count`)).json()) as { count: number }).count;
    await fetch(`${ES}/${indexPrefix}-*/_refresh`, { method: 'POST' });
    expect(await count(indexPrefix)).to.equal(await count('absa'));
  });
});
