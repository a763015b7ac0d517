/**
 * `make demo` (after the stack and the services are up): creates the demo tenant's keys, imports the
 * bundled sample corpus through the file importer, waits until every document is queryable in
 * PostgreSQL and Elasticsearch, and prints what came out. Running it again reuses the keys, and the
 * importer's deterministic ids mean nothing is duplicated downstream.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client as Elasticsearch } from '@elastic/elasticsearch';
import pg from 'pg';
import { ApiKeyStore } from '../common/apikeys/store';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_DIR = path.join(REPO, 'stack/.data/demo');
const CORPUS = path.join(REPO, 'producers/file/sample/reviews.jsonl');
const TENANT = 'demo';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';
const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const INGEST_URL = `http://127.0.0.1:${process.env.COLLECTOR_HTTP_PORT ?? 8090}`;
const API_URL = `http://127.0.0.1:${process.env.API_PORT ?? 8080}`;
const PROMETHEUS_URL = 'http://127.0.0.1:9090';
const ALERTMANAGER_URL = 'http://127.0.0.1:9095';
const WAIT_MS = Number(process.env.DEMO_WAIT_MS ?? 30 * 60_000);

type Keys = Record<'ingest' | 'reader' | 'admin', string>;

const say = (line = ''): void => void process.stdout.write(`${line}\n`);

/**
 * Demo keys live in the checkout's stack data folder (local only); the key store in the database the
 * stack shares. A checkout without working keys (a new one, or another checkout issued them) gets
 * them re-issued: the live demo key of the same name is revoked and a new one made.
 */
async function demoKeys(store: ApiKeyStore): Promise<Keys> {
  const file = path.join(DEMO_DIR, 'keys.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Keys;
    const valid = await Promise.all(Object.values(saved).map((k) => store.verify(k)));
    if (valid.every((p) => p?.tenant === TENANT)) return saved;
  }
  const keys = {} as Keys;
  const live = await store.list({ tenant: TENANT });
  for (const role of ['ingest', 'reader', 'admin'] as const) {
    const name = `demo-${role}`;
    for (const old of live.filter((k) => k.name === name)) await store.revoke(old.id);
    keys[role] = (await store.create({ tenant: TENANT, name, role })).key;
  }
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/** The corpus in one file per source (the importer takes one --source), domain kept as metadata. */
function splitCorpus(): Map<string, { file: string; lines: number }> {
  const bySource = new Map<string, string[]>();
  for (const line of readFileSync(CORPUS, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { domain, ...doc } = JSON.parse(line) as Record<string, unknown> & {
      source: string;
      domain?: string;
    };
    doc.metadata = { ...(doc.metadata as Record<string, string> | undefined), ...(domain ? { domain } : {}) };
    bySource.set(doc.source, [...(bySource.get(doc.source) ?? []), JSON.stringify(doc)]);
  }
  const files = new Map<string, { file: string; lines: number }>();
  for (const [source, lines] of bySource) {
    const file = path.join(DEMO_DIR, `${source}.jsonl`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    files.set(source, { file, lines: lines.length });
  }
  return files;
}

function importFile(file: string, source: string): number {
  say(`\nimporting ${path.relative(REPO, file)} (source ${source})`);
  const result = spawnSync(
    path.join(REPO, 'node_modules/.bin/tsx'),
    [path.join(REPO, 'producers/file/main.ts'), file, '--source', source, '--tenant', TENANT],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' },
  );
  process.stdout.write(result.stdout);
  if (result.status !== 0) throw new Error(`import of ${file} failed with exit code ${result.status}`);
  const published = /published (\d+)/.exec(result.stdout);
  return published ? Number(published[1]) : 0;
}

async function counts(db: pg.Pool, es: Elasticsearch) {
  const { rows } = await db.query<{ documents: string; mentions: string }>(
    `SELECT (SELECT count(*) FROM documents WHERE tenant = $1) AS documents,
            (SELECT count(*) FROM aspect_mentions WHERE tenant = $1) AS mentions`,
    [TENANT],
  );
  const indexed = await es
    .count({ index: 'absa-documents', query: { term: { tenant: TENANT } } })
    .then((r) => r.count)
    .catch(() => 0);
  return { documents: Number(rows[0]!.documents), mentions: Number(rows[0]!.mentions), indexed };
}

async function main(): Promise<void> {
  mkdirSync(DEMO_DIR, { recursive: true });
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const es = new Elasticsearch({ node: ELASTICSEARCH_URL });
  try {
    const keys = await demoKeys(new ApiKeyStore(db));
    let published = 0;
    for (const [source, { file }] of splitCorpus()) published += importFile(file, source);

    say(`\nwaiting until all ${published} documents are queryable in PostgreSQL and Elasticsearch`);
    const deadline = Date.now() + WAIT_MS;
    let last = await counts(db, es);
    while (last.documents < published || last.indexed < published) {
      if (Date.now() > deadline) {
        throw new Error(
          `only ${last.documents} documents in PostgreSQL and ${last.indexed} in Elasticsearch after ${WAIT_MS / 1000}s; ` +
            'see the service logs in stack/.data/logs/',
        );
      }
      process.stdout.write(
        `  PostgreSQL ${last.documents}/${published}, Elasticsearch ${last.indexed}/${published}\r`,
      );
      await new Promise((r) => setTimeout(r, 2000));
      last = await counts(db, es);
    }
    await report(db, published, last, keys);
  } finally {
    await db.end();
    await es.close();
  }
}

async function report(
  db: pg.Pool,
  published: number,
  c: Awaited<ReturnType<typeof counts>>,
  keys: Keys,
): Promise<void> {
  const status = await db.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM documents WHERE tenant = $1 GROUP BY status ORDER BY status',
    [TENANT],
  );
  say('\n\ncounts per stage');
  say(`  published to text.raw.v1        ${published}`);
  say(
    `  analysed documents (PostgreSQL) ${c.documents}  (${status.rows.map((r) => `${r.status} ${r.n}`).join(', ')})`,
  );
  say(`  aspect mentions (PostgreSQL)    ${c.mentions}`);
  say(`  documents in Elasticsearch      ${c.indexed}`);

  const top = await db.query<{ entity: string; aspect: string; mentions: string; pos: string; neg: string }>(
    `SELECT entity, aspect, mentions, pos, neg FROM (
       SELECT entity, normalized_aspect AS aspect, count(*) AS mentions,
              round(100.0 * count(*) FILTER (WHERE polarity = 'positive') / count(*)) AS pos,
              round(100.0 * count(*) FILTER (WHERE polarity = 'negative') / count(*)) AS neg,
              row_number() OVER (PARTITION BY entity ORDER BY count(*) DESC, normalized_aspect) AS rank
       FROM aspect_mentions WHERE tenant = $1 AND entity IS NOT NULL
       GROUP BY entity, normalized_aspect) ranked
     WHERE rank <= 3 ORDER BY entity, rank`,
    [TENANT],
  );
  say('\ntop aspects per entity');
  say(
    `  ${'entity'.padEnd(24)} ${'aspect'.padEnd(20)} ${'mentions'.padStart(8)} ${'positive'.padStart(9)} ${'negative'.padStart(9)}`,
  );
  for (const r of top.rows) {
    say(
      `  ${r.entity.slice(0, 24).padEnd(24)} ${r.aspect.slice(0, 20).padEnd(20)} ${r.mentions.padStart(8)} ${`${r.pos}%`.padStart(9)} ${`${r.neg}%`.padStart(9)}`,
    );
  }
  say('\nendpoints');
  say(`  ingest  ${INGEST_URL}/v1/documents`);
  say(`  API     ${API_URL}/v1   (OpenAPI: ${API_URL}/v1/openapi.json)`);
  say(`  dashboard ${API_URL}/   (sign in with the reader or admin key below)`);
  say(`  Prometheus    ${PROMETHEUS_URL}  (alerts: ${PROMETHEUS_URL}/alerts)`);
  say(`  Alertmanager  ${ALERTMANAGER_URL}  (notifications received: http://127.0.0.1:9097/alerts)`);
  say(`  health        ${await prometheusHealth()}`);
  say('\ndemo keys (tenant "demo"; kept in stack/.data/demo/keys.json)');
  say(`  ingest  ${keys.ingest}`);
  say(`  reader  ${keys.reader}`);
  say(`  admin   ${keys.admin}`);
  say('\ntry');
  say(
    `  curl -s -X POST ${INGEST_URL}/v1/documents -H 'X-API-Key: ${keys.ingest}' -H 'Content-Type: application/json' \\\n` +
      `    -d '{"documents":[{"source":"web-review","source_id":"try-1","entity":"Trattoria Lucca","text":"The risotto was superb but we waited an hour."}]}'`,
  );
  say(`  curl -s '${API_URL}/v1/aspects/summary?entity=Trattoria%20Lucca' -H 'X-API-Key: ${keys.reader}'`);
  say(`  curl -s '${API_URL}/v1/search?q=battery&polarity=negative' -H 'X-API-Key: ${keys.reader}'`);
  say('\nthe pipeline keeps running; `make down` stops it.');
}

/** One line from Prometheus: targets up of all, and the alerts firing now. */
async function prometheusHealth(): Promise<string> {
  const query = async (q: string) => {
    const r = await fetch(`${PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await r.json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    return body.data.result;
  };
  try {
    const up = await query('up');
    const down = up.filter((t) => t.value[1] !== '1').map((t) => t.metric.job);
    const firing = (await query('ALERTS{alertstate="firing"}')).map((a) => a.metric.alertname);
    return (
      `${up.length - down.length}/${up.length} targets up${down.length ? ` (down: ${down.join(', ')})` : ''}; ` +
      `${firing.length} alerts firing${firing.length ? ` (${[...new Set(firing)].join(', ')})` : ''}`
    );
  } catch (err) {
    return `Prometheus not reachable: ${err instanceof Error ? err.message : String(err)}`;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
