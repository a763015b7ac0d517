/**
 * `make demo` (after the stack and the services are up): creates the demo tenant's keys, imports the
 * bundled sample corpus through the file importer, waits until every document is queryable in
 * PostgreSQL and Elasticsearch, and prints what came out. Then it shows the alert service: a burst
 * of negative delivery reviews for one sample entity, the alert it raises and its signed webhook
 * delivery to a small receiver started here. Running it again reuses the keys, and the importer's
 * deterministic ids mean nothing is duplicated downstream.
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client as Elasticsearch } from '@elastic/elasticsearch';
import pg from 'pg';
import { ApiKeyStore } from '../common/apikeys/store';
import { verifySignature } from '../stream-processors/alerts/delivery/webhook';

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
const RESOLVE_WAIT_MS = 3 * 60_000;

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
    await alertDemo(db, keys);
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

  const top = await db.query<{
    entity: string;
    aspect: string;
    mentions: string;
    pos: string;
    neg: string;
    said: string | null;
  }>(
    `WITH ranked AS (
       SELECT entity, normalized_aspect AS aspect, count(*) AS mentions,
              round(100.0 * count(*) FILTER (WHERE polarity = 'positive') / count(*)) AS pos,
              round(100.0 * count(*) FILTER (WHERE polarity = 'negative') / count(*)) AS neg,
              row_number() OVER (PARTITION BY entity ORDER BY count(*) DESC, normalized_aspect) AS rank
       FROM aspect_mentions WHERE tenant = $1 AND entity IS NOT NULL
       GROUP BY entity, normalized_aspect
     ), words AS (
       SELECT m.entity, m.normalized_aspect AS aspect, lower(o->>'term') AS word, count(*) AS n
       FROM aspect_mentions m CROSS JOIN LATERAL jsonb_array_elements(coalesce(m.opinions, '[]')) o
       WHERE m.tenant = $1 AND m.entity IS NOT NULL
       GROUP BY 1, 2, 3
     )
     SELECT r.entity, r.aspect, r.mentions, r.pos, r.neg,
            (SELECT string_agg(word, ', ' ORDER BY n DESC, word) FROM (
               SELECT word, n FROM words w WHERE w.entity = r.entity AND w.aspect = r.aspect
               ORDER BY n DESC, word LIMIT 3) t) AS said
     FROM ranked r WHERE rank <= 3 ORDER BY entity, rank`,
    [TENANT],
  );
  say('\ntop aspects per entity, with the opinion words said of them most');
  say(
    `  ${'entity'.padEnd(24)} ${'aspect'.padEnd(20)} ${'mentions'.padStart(8)} ${'positive'.padStart(9)} ${'negative'.padStart(9)}  opinion words`,
  );
  for (const r of top.rows) {
    say(
      `  ${r.entity.slice(0, 24).padEnd(24)} ${r.aspect.slice(0, 20).padEnd(20)} ${r.mentions.padStart(8)} ${`${r.pos}%`.padStart(9)} ${`${r.neg}%`.padStart(9)}  ${r.said ?? ''}`,
    );
  }

  await koreanReport(db);

  const categories = await db.query<{ category: string; mentions: string; pos: string; neg: string }>(
    `SELECT coalesce(category, '(none)') AS category, count(*) AS mentions,
            round(100.0 * count(*) FILTER (WHERE polarity = 'positive') / count(*)) AS pos,
            round(100.0 * count(*) FILTER (WHERE polarity = 'negative') / count(*)) AS neg
     FROM aspect_mentions WHERE tenant = $1 GROUP BY 1 ORDER BY count(*) DESC, 1`,
    [TENANT],
  );
  say('\naspect categories');
  say(
    `  ${'category'.padEnd(28)} ${'mentions'.padStart(8)} ${'positive'.padStart(9)} ${'negative'.padStart(9)}`,
  );
  for (const r of categories.rows) {
    say(
      `  ${r.category.slice(0, 28).padEnd(28)} ${r.mentions.padStart(8)} ${`${r.pos}%`.padStart(9)} ${`${r.neg}%`.padStart(9)}`,
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

/**
 * The Korean reviews of the corpus beside the English ones: per entity, the Korean documents analysed
 * and their most mentioned aspects with positive and negative counts; then the documents left
 * `unsupported_language`, by language, where Korean no longer appears. Aspects come last on a line:
 * Hangul is two columns wide in a terminal, so padding would not line it up.
 */
async function koreanReport(db: pg.Pool): Promise<void> {
  const korean = await db.query<{ entity: string; documents: string; aspects: string | null }>(
    `WITH docs AS (
       SELECT entity, count(*) AS documents FROM documents
       WHERE tenant = $1 AND lang = 'ko' AND status = 'ok' AND entity IS NOT NULL
       GROUP BY entity
     ), ranked AS (
       SELECT entity, normalized_aspect AS aspect,
              count(*) FILTER (WHERE polarity = 'positive') AS pos,
              count(*) FILTER (WHERE polarity = 'negative') AS neg,
              row_number() OVER (PARTITION BY entity ORDER BY count(*) DESC, normalized_aspect) AS rank
       FROM aspect_mentions WHERE tenant = $1 AND lang = 'ko' AND entity IS NOT NULL
       GROUP BY entity, normalized_aspect
     )
     SELECT d.entity, d.documents,
            string_agg(format('%s %s/%s', r.aspect, r.pos, r.neg), ', ' ORDER BY r.rank)
              FILTER (WHERE r.aspect IS NOT NULL) AS aspects
     FROM docs d LEFT JOIN ranked r ON r.entity = d.entity AND r.rank <= 5
     GROUP BY d.entity, d.documents ORDER BY d.documents DESC, d.entity`,
    [TENANT],
  );
  say('\nKorean reviews: documents analysed per entity and their top aspects (positive/negative mentions)');
  if (korean.rows.length === 0) say('  none analysed');
  else say(`  ${'entity'.padEnd(24)} ${'documents'.padStart(9)}  aspects`);
  for (const r of korean.rows) {
    say(
      `  ${r.entity.slice(0, 24).padEnd(24)} ${r.documents.padStart(9)}  ${r.aspects ?? '(no aspects found)'}`,
    );
  }

  const unsupported = await db.query<{ lang: string; n: string }>(
    `SELECT coalesce(lang, '(none)') AS lang, count(*) AS n FROM documents
     WHERE tenant = $1 AND status = 'unsupported_language' GROUP BY 1 ORDER BY count(*) DESC, 1`,
    [TENANT],
  );
  const ko = unsupported.rows.find((r) => r.lang === 'ko')?.n ?? '0';
  say(
    `\nunsupported_language by language: ${unsupported.rows.map((r) => `${r.lang} ${r.n}`).join(', ') || 'none'} (Korean: ${ko})`,
  );
}

const HOUR = 60 * 60 * 1000;
/** Sample entities a delivery complaint fits, tried in turn (see burstEntity). */
const BURST_ENTITIES = [
  'Snapcart',
  'Green Bowl Kitchen',
  'Trattoria Lucca',
  'Smokestack BBQ',
  'Saffron Lane',
  'El Fogón Taquería',
];
const BURST_TEXTS = [
  'The delivery was two hours late and the driver never called.',
  'Delivery took forever and my groceries arrived warm.',
  'Worst delivery ever, half the order was missing.',
];
const RECOVERY_TEXTS = [
  'Delivery was quick and the driver was friendly.',
  'Fast delivery, everything arrived fresh.',
  'The delivery came early and nothing was missing.',
];

/**
 * The first candidate entity with no unresolved alert and none in the last 9 hours: an open alert
 * suppresses new ones for its scope, and the default rules wait 6 hours after an alert before the
 * next (the burst window ends 2 hours ago). Null when every candidate alerted recently.
 */
async function burstEntity(db: pg.Pool): Promise<string | null> {
  const { rows } = await db.query<{ entity: string }>(
    `SELECT DISTINCT entity FROM alerts WHERE tenant = $1 AND entity = ANY($2)
        AND (resolved_at IS NULL OR window_end > now() - interval '9 hours')`,
    [TENANT, BURST_ENTITIES],
  );
  const busy = new Set(rows.map((r) => r.entity));
  return BURST_ENTITIES.find((e) => !busy.has(e)) ?? null;
}

/** Posts documents through the collector, the way a customer's system would. */
async function ingest(key: string, documents: object[]): Promise<void> {
  const res = await fetch(`${INGEST_URL}/v1/documents`, {
    method: 'POST',
    headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ documents }),
  });
  if (res.status !== 202) throw new Error(`collector answered ${res.status}: ${await res.text()}`);
}

/**
 * The alert service on the demo tenant (its default rules): 36 negative delivery reviews of one
 * entity in the hour that began three hours ago, 12 positive ones in the next hour, then a few an
 * hour later that move the entity's event time past both windows (windows close by event time).
 * The calm hour is quiet as well as positive: with as many reviews as the burst it would still be a
 * volume spike, and that alert would stay open.
 * Prints the alert, its explanation, the webhook delivery this receiver got and the resolution the
 * calm hour brings, with the API calls to see them.
 */
async function alertDemo(db: pg.Pool, keys: Keys): Promise<void> {
  const entity = await burstEntity(db);
  if (!entity) {
    say(
      '\nalert service: every demo entity alerted in the last 9 hours (cooldown); run make demo later to see a new alert',
    );
    return;
  }
  const received: Array<{ body: string; signature: string; key: string }> = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({
        body,
        signature: String(req.headers['x-signature'] ?? ''),
        key: String(req.headers['idempotency-key'] ?? ''),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
  try {
    const settings = await fetch(`${API_URL}/v1/alert-settings`, {
      method: 'PUT',
      headers: { 'X-API-Key': keys.admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ webhook_url: hookUrl, rotate_secret: true }),
    });
    if (!settings.ok)
      throw new Error(`PUT /v1/alert-settings answered ${settings.status}: ${await settings.text()}`);
    const { webhook_secret: secret } = (await settings.json()) as { webhook_secret: string };

    const burstHour = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
    const tag = `${entity}-${new Date(burstHour).toISOString().slice(0, 13)}`;
    say(
      `\nalert service: 36 negative delivery reviews of ${entity} dated ${tag.slice(-13)}:00Z, receiver at ${hookUrl}`,
    );
    const hourOf = (prefix: string, hour: number, texts: string[], count: number) =>
      Array.from({ length: count }, (_, i) => ({
        source: 'app-review',
        source_id: `${prefix}-${tag}-${i}`,
        entity,
        text: texts[i % texts.length],
        created_at: new Date(hour + Math.floor(((i + 0.5) * HOUR) / count)).toISOString(),
      }));
    const burst = hourOf('demo-burst', burstHour, BURST_TEXTS, 36);
    await ingest(keys.ingest, burst);
    // The burst is analysed before the later reviews are sent, so none of it arrives after its window closed.
    const deadline = Date.now() + WAIT_MS;
    const analysed = async () =>
      Number(
        (
          await db.query<{ n: string }>(
            'SELECT count(*) AS n FROM documents WHERE tenant = $1 AND source_id LIKE $2',
            [TENANT, `demo-burst-${tag}-%`],
          )
        ).rows[0]!.n,
      );
    while ((await analysed()) < burst.length) {
      if (Date.now() > deadline)
        throw new Error('the burst reviews did not reach PostgreSQL; see stack/.data/logs/');
      await new Promise((r) => setTimeout(r, 1000));
    }
    await ingest(keys.ingest, hourOf('demo-calm', burstHour + HOUR, RECOVERY_TEXTS, 12));
    await ingest(
      keys.ingest,
      [25, 30, 35].map((minute, i) => ({
        source: 'app-review',
        source_id: `demo-after-${tag}-${i}`,
        entity,
        text: 'Delivery was quick today.',
        created_at: new Date(burstHour + 2 * HOUR + minute * 60_000).toISOString(),
      })),
    );

    type Row = { alert_id: string; message: string; rule: string; severity: string };
    const alertsOfBurst = () =>
      db.query<Row>(
        `SELECT alert_id, message, rule, severity FROM alerts
          WHERE tenant = $1 AND entity = $2 AND window_start = to_timestamp($3 / 1000.0) ORDER BY rule`,
        [TENANT, entity, burstHour],
      );
    let rows = (await alertsOfBurst()).rows;
    while (rows.length === 0 || received.length === 0) {
      if (Date.now() > deadline) throw new Error('no alert for the burst; see stack/.data/logs/alerts.log');
      await new Promise((r) => setTimeout(r, 1000));
      rows = (await alertsOfBurst()).rows;
    }
    await new Promise((r) => setTimeout(r, 2000)); // the other alerts of the same window
    rows = (await alertsOfBurst()).rows;
    say('  alerts raised');
    for (const r of rows) say(`    [${r.severity}] ${r.rule}: ${r.message}`);
    const verified = received.filter((r) => verifySignature(secret, r.signature, r.body, Date.now()));
    say(
      `  webhook: ${received.length} deliveries, ${verified.length} with a valid X-Signature, idempotency keys ${received.map((r) => r.key.slice(0, 8)).join(', ')}`,
    );
    const deliveries = await db.query<{
      alert_id: string;
      attempt: number;
      outcome: string;
      http_status: number;
    }>(
      'SELECT alert_id, attempt, outcome, http_status FROM alert_deliveries WHERE alert_id = ANY($1) ORDER BY alert_id, attempt',
      [rows.map((r) => r.alert_id)],
    );
    for (const d of deliveries.rows)
      say(`    ${d.alert_id.slice(0, 8)} attempt ${d.attempt}: ${d.outcome} (HTTP ${d.http_status})`);
    // The calm hour after the burst resolves the alerts (the recovery detector).
    type Resolved = { alert_id: string; rule: string; resolution: string | null };
    const resolved = async () =>
      (
        await db.query<Resolved>(
          'SELECT alert_id, rule, resolution FROM alerts WHERE alert_id = ANY($1) AND resolved_at IS NOT NULL ORDER BY rule',
          [rows.map((r) => r.alert_id)],
        )
      ).rows;
    // The calm hour was sent before the alerts were read, so its windows close within seconds;
    // an alert it does not resolve is shown as open rather than waited on.
    const resolveBy = Math.min(deadline, Date.now() + RESOLVE_WAIT_MS);
    let done = await resolved();
    while (done.length < rows.length && Date.now() < resolveBy) {
      await new Promise((r) => setTimeout(r, 1000));
      done = await resolved();
    }
    say(`  resolved by the calm hour after: ${done.length} of ${rows.length}`);
    for (const r of done) say(`    ${r.rule}: ${r.resolution}`);
    for (const r of rows.filter((a) => !done.some((d) => d.alert_id === a.alert_id)))
      say(`    ${r.rule}: still open (${r.message})`);
    const first = rows[0]!.alert_id;
    say('  see them');
    say(
      `    curl -s '${API_URL}/v1/alerts?entity=${encodeURIComponent(entity)}' -H 'X-API-Key: ${keys.reader}'`,
    );
    say(`    curl -s '${API_URL}/v1/alerts/${first}/deliveries' -H 'X-API-Key: ${keys.reader}'`);
    say(`    curl -s -X POST '${API_URL}/v1/alerts/${first}/acknowledge' -H 'X-API-Key: ${keys.admin}'`);
    say(`    curl -s '${API_URL}/v1/alert-rules' -H 'X-API-Key: ${keys.reader}'`);
  } finally {
    // The receiver goes with this script: later alerts of the demo tenant are stored, not sent.
    await fetch(`${API_URL}/v1/alert-settings`, {
      method: 'PUT',
      headers: { 'X-API-Key': keys.admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ webhook_url: null }),
    }).catch(() => undefined);
    await new Promise<void>((r) => receiver.close(() => r()));
  }
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
