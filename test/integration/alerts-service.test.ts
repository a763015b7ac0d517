/**
 * The alert service against the real stack: aspect mention events go into sentiment.aspects.v1
 * the way the ABSA processor writes them, the real service runs as a process, webhooks go to a
 * receiver in this test, alerts are read back from PostgreSQL and the alerts topic.
 */
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { RegistryClient, valueSubject } from '../../common/kafka/registry';
import { aspectMentionId } from '../../common/ids/index';
import { schemas, type Alert, type AspectMention } from '../../schemas/index';
import { TOPICS } from '../../schemas/topics';
import { verifySignature } from '../../stream-processors/alerts/delivery/webhook';
import { AlertEngine, emptyPartition } from '../../stream-processors/alerts/engine';
import { RuleSource } from '../../stream-processors/alerts/rule-source';
import { tallyMentions } from '../../stream-processors/alerts/tally';
import { createLogger } from '../../common/logging/index';
import { migrate } from '../../common/postgres/migrate';
import { CommittedReader } from './helpers/committed-reader';
import { startGroupAtEnd } from './sinks-fixtures';
import { freePort, startProcess, waitFor, type Started } from './helpers/processes';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';
const HOUR = 60 * 60 * 1000;
const IDLE_CLOSE_MINUTES = 7 * 24 * 60;
const silentLogger = createLogger({ service: 'test-alerts', level: 'error' });

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A webhook receiver answering `statuses` in turn (then 200), recording every request. */
async function receiver(statuses: number[] = []) {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const status = statuses[requests.length] ?? 200;
      requests.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** `n` mentions of one aspect of one entity in the hour starting at `hour`, `negative` of them negative. */
function mentions(
  tenant: string,
  entity: string,
  aspect: string,
  hour: number,
  n: number,
  negative: number,
): AspectMention[] {
  return Array.from({ length: n }, (_, i) => {
    const document_id = randomUUID();
    const created_at = hour + Math.floor(((i + 0.5) * HOUR) / n);
    return {
      mention_id: aspectMentionId(document_id, 0, aspect.length),
      document_id,
      tenant,
      source: 'test',
      entity,
      created_at,
      processed_at: created_at,
      lang: 'en',
      term: aspect,
      start: 0,
      end: aspect.length,
      sentence_index: 0,
      sentence_text: `${aspect} was ${i < negative ? 'awful' : 'fine'}.`,
      sentence_start: 0,
      sentence_end: aspect.length + 10,
      normalized_aspect: aspect,
      category: 'Shipping',
      polarity: i < negative ? 'negative' : 'positive',
      confidence: 0.9,
      model: { name: 'test', version: '0' },
      taxonomy_version: null,
    };
  });
}

/** 27 ordinary hours (15 % negative), a burst hour (`burst` of 60 negative), then a closing hour. */
function burstStory(
  tenant: string,
  entity: string,
  burstHour: number,
  burst: number,
  aspect = 'delivery',
): AspectMention[] {
  const out: AspectMention[] = [];
  for (let h = 27; h >= 1; h--) out.push(...mentions(tenant, entity, aspect, burstHour - h * HOUR, 40, 6));
  out.push(...mentions(tenant, entity, aspect, burstHour, 60, burst));
  // Stream time past the burst window's end plus the allowed lateness closes it.
  out.push(...mentions(tenant, entity, aspect, burstHour + HOUR, 40, 6));
  return out;
}

describe('alert service', function () {
  this.timeout(300_000);
  const kafka = new kafkajs.Kafka({
    clientId: 'test-alerts',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const registry = new RegistryClient(REGISTRY_URL);
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const tenant = `al${randomBytes(4).toString('hex')}`;
  /** A tenant whose alert language is Korean. */
  const koTenant = `${tenant}ko`;
  const secret = randomBytes(16).toString('hex');
  const started: Started[] = [];
  let hook: Awaited<ReturnType<typeof receiver>>;
  let alertsTopic: CommittedReader<Alert>;
  let schemaId: number;

  const produce = async (records: AspectMention[]) => {
    for (let i = 0; i < records.length; i += 500) {
      const messages = await Promise.all(
        records.slice(i, i + 500).map(async (m) => ({
          key: `${m.tenant}\u001f${m.entity ?? ''}\u001f${m.normalized_aspect}`,
          value: await registry.encode(schemaId, m),
        })),
      );
      await producer.send({ topic: TOPICS.aspects, messages, acks: -1 });
    }
  };
  /** The real service as a process; resolves once /readyz answers 200. */
  const startService = async (): Promise<Started> => {
    const port = await freePort();
    const p = startProcess('stream-processors/alerts/main.ts', [], {
      ALERTS_GROUP_ID: `alerts-${tenant}`,
      ALERTS_PORT: String(port),
      // Windows close by each entity's own time only: the stories here are each in order, while
      // partitions read after a restart run at different speeds.
      ALERTS_IDLE_CLOSE_MINUTES: String(IDLE_CLOSE_MINUTES),
      ALERTS_WEBHOOK_ALLOW_PRIVATE: 'true',
      ALERTS_WEBHOOK_RETRY_BASE_MS: '100',
      ALERTS_WEBHOOK_RETRY_MAX_MS: '500',
      ALERTS_RULES_REFRESH_MS: '500',
      LOG_LEVEL: 'info',
    });
    started.push(p);
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200,
      120_000,
      'alert service ready',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${p.output().slice(-3000)}`);
    });
    return p;
  };
  const alertRows = async () =>
    (await pool.query('SELECT * FROM alerts WHERE tenant = $1 ORDER BY window_start', [tenant])).rows;

  before(async () => {
    hook = await receiver([503, 503]);
    schemaId = await registry.registerSchema(valueSubject(TOPICS.aspects), schemas.aspectMention);
    await producer.connect();
    await migrate(pool);
    // One rule with the test's webhook; the tenant's other entities fall under it too. The Korean
    // tenant watches its aspect 배송 the same way.
    for (const [t, aspect] of [
      [tenant, 'delivery'],
      [koTenant, '배송'],
    ]) {
      await pool.query(
        `INSERT INTO alert_rules (tenant, name, detector, level, normalized_aspect, window_minutes, baseline_windows,
                                  min_mentions, cooldown_minutes, severity, channels)
         VALUES ($1, 'delivery-complaints', 'negative_share', 'aspect', $2, 60, 168, 30, 0, 'critical', $3)`,
        [t, aspect, JSON.stringify([{ type: 'webhook', url: hook.url }])],
      );
    }
    await pool.query('INSERT INTO alert_settings (tenant, webhook_secret) VALUES ($1, $2)', [tenant, secret]);
    await pool.query(`INSERT INTO alert_settings (tenant, webhook_secret, language) VALUES ($1, $2, 'ko')`, [
      koTenant,
      secret,
    ]);
    alertsTopic = new CommittedReader<Alert>(TOPICS.alerts, (a) => a.tenant === tenant);
    await alertsTopic.start();
    // The service's fresh groups would start at the beginning of their topics, which hold every
    // earlier run's records (a benchmark leaves millions of mentions): start them at the ends.
    const admin = kafka.admin();
    await admin.connect();
    const group = `alerts-${tenant}`;
    await startGroupAtEnd(admin, `${group}-tally`, TOPICS.aspects);
    await startGroupAtEnd(admin, group, TOPICS.alertTallies);
    await startGroupAtEnd(admin, `${group}-delivery`, TOPICS.alerts);
    await admin.disconnect();
    await startService();
  });

  after(async () => {
    for (const p of started) p.child.kill('SIGKILL');
    await alertsTopic?.stop();
    await producer.disconnect();
    await pool.query('DELETE FROM alert_rules WHERE tenant = ANY($1)', [[tenant, koTenant]]);
    await pool.query('DELETE FROM alert_settings WHERE tenant = ANY($1)', [[tenant, koTenant]]);
    await pool.end();
    await hook?.close();
  });

  it('raises one explained alert for a burst of negative delivery mentions and delivers it signed, once, after two failures', async () => {
    const burstHour = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
    await produce(burstStory(tenant, 'snapcart', burstHour, 40));

    await waitFor(async () => hook.requests.some((r) => r.status === 200), 120_000, 'the webhook delivery');
    const [row, ...more] = await alertRows();
    expect(more, 'one alert').to.have.length(0);
    expect(row).to.include({
      entity: 'snapcart',
      normalized_aspect: 'delivery',
      detector: 'negative_share',
      severity: 'critical',
      status: 'open',
      historical: false,
      mention_count: '60',
    });
    expect(new Date(row.window_start).getTime()).to.equal(burstHour);
    expect(row.observed).to.be.closeTo(40 / 60, 1e-9);
    expect(row.baseline).to.be.closeTo(0.15, 1e-9);
    expect(row.message).to.equal(
      'Negative mentions of delivery at snapcart rose to 67 % (40 of 60) in the last hour, from 15 % over the previous 7 days.',
    );
    expect(row.sample_document_ids).to.have.length(5);
    expect(row.contributors[0]).to.deep.equal({
      kind: 'term',
      value: 'delivery',
      mentions: 60,
      negative: 40,
    });

    // Two 503s, then delivered: three requests with one idempotency key and valid signatures.
    expect(hook.requests.map((r) => r.status)).to.deep.equal([503, 503, 200]);
    for (const r of hook.requests) {
      expect(r.headers['idempotency-key']).to.equal(row.alert_id);
      expect(verifySignature(secret, String(r.headers['x-signature']), r.body, Date.now())).to.equal(true);
    }
    expect(JSON.parse(hook.requests[2]!.body)).to.include({ alert_id: row.alert_id, entity: 'snapcart' });
    const attempts = await pool.query(
      'SELECT attempt, outcome FROM alert_deliveries WHERE alert_id = $1 ORDER BY attempt',
      [row.alert_id],
    );
    expect(attempts.rows).to.deep.equal([
      { attempt: 1, outcome: 'failed' },
      { attempt: 2, outcome: 'failed' },
      { attempt: 3, outcome: 'delivered' },
    ]);
    await alertsTopic.until((records) => records.length >= 1, 30_000, 'the alert on sentiment.alerts.v1');
    expect(alertsTopic.records.map((r) => r.value.alert_id)).to.deep.equal([row.alert_id]);
  });

  it('writes the alert of a tenant whose alert language is Korean in Korean, in PostgreSQL and in the signed webhook', async () => {
    const burstHour = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
    await produce(burstStory(koTenant, 'snapcart', burstHour, 40, '배송'));
    const ofKo = () =>
      hook.requests.filter((r) => r.status === 200 && JSON.parse(r.body).tenant === koTenant);
    await waitFor(async () => ofKo().length > 0, 120_000, 'the webhook delivery of the Korean alert');
    const message =
      'snapcart의 배송 부정 언급 비율이 지난 7일 평균 15%에서 최근 1시간 67%(60건 중 40건)로 올랐습니다.';
    const [delivered, ...again] = ofKo();
    expect(again, 'delivered once').to.have.length(0);
    expect(
      verifySignature(secret, String(delivered!.headers['x-signature']), delivered!.body, Date.now()),
    ).to.equal(true);
    const body = JSON.parse(delivered!.body);
    // The sentence is Korean; codes and numbers are the same as in any language.
    expect(body).to.include({
      message,
      language: 'ko',
      detector: 'negative_share',
      metric: 'negative_share',
      severity: 'critical',
      status: 'open',
      entity: 'snapcart',
      normalized_aspect: '배송',
      mention_count: 60,
      negative_count: 40,
    });
    expect(body.observed).to.be.closeTo(40 / 60, 1e-9);
    const { rows } = await pool.query('SELECT alert_id, message, language FROM alerts WHERE tenant = $1', [
      koTenant,
    ]);
    expect(rows).to.deep.equal([{ alert_id: body.alert_id, message, language: 'ko' }]);
  });

  it('marks alerts of an imported backfill historical and delivers none of them', async () => {
    const before = hook.requests.length;
    const burstHour = Math.floor(Date.now() / HOUR) * HOUR - 20 * 24 * HOUR;
    await produce(burstStory(tenant, 'oldmart', burstHour, 45));
    await waitFor(
      async () => (await alertRows()).some((r) => r.entity === 'oldmart'),
      120_000,
      'the backfill alert',
    );
    const old = (await alertRows()).filter((r) => r.entity === 'oldmart');
    expect(old).to.have.length(1);
    expect(old[0]).to.include({ historical: true, status: 'open' });
    expect(new Date(old[0].window_start).getTime()).to.equal(burstHour);
    // The delivery side has handled it (it is in PostgreSQL); give a webhook call time to show up anyway.
    await new Promise((r) => setTimeout(r, 2000));
    expect(hook.requests.length).to.equal(before);
    const attempts = await pool.query('SELECT count(*)::int AS n FROM alert_deliveries WHERE alert_id = $1', [
      old[0].alert_id,
    ]);
    expect(attempts.rows[0].n).to.equal(0);
  });

  it('SIGKILLed mid-stream over 11,000 mentions and restarted: every alert exactly once, the same as computed in one go', async () => {
    const now = Date.now();
    const first = Math.floor(now / HOUR) * HOUR - 26 * HOUR;
    const stream: AspectMention[] = [];
    for (let k = 0; k < 20; k++) {
      const entity = `kill${k}`;
      for (let h = 0; h < 20; h++)
        stream.push(...mentions(tenant, entity, 'delivery', first + h * HOUR, 25, 4));
      if (k % 2 === 0) stream.push(...mentions(tenant, entity, 'delivery', first + 20 * HOUR, 60, 40));
      stream.push(...mentions(tenant, entity, 'delivery', first + 21 * HOUR, 25, 4));
    }
    expect(stream.length).to.be.greaterThan(11_000);
    // What the engine makes of the whole stream at once, with the rule stored for the tenant.
    const rules = new RuleSource(pool, silentLogger, 60_000);
    await rules.load();
    const engine = new AlertEngine({
      allowedLatenessMs: 10 * 60_000,
      idleCloseMs: IDLE_CLOSE_MINUTES * 60_000,
      retentionMs: 35 * 24 * HOUR,
      deliverMaxAgeMs: 24 * HOUR,
      now: () => now,
      rulesFor: (t) => rules.rulesFor(t),
    });
    const expected = engine
      .apply(emptyPartition(), tallyMentions(stream))
      .alerts.map((a) => [a.alert_id, a.status, a.entity, a.window_start, a.mention_count])
      .sort();
    expect(expected.filter((a) => a[1] === 'open')).to.have.length(10);
    const ofKill = () => alertsTopic.records.filter((r) => r.value.entity?.startsWith('kill'));

    await produce(stream);
    await alertsTopic.until(
      (r) => r.some((x) => x.value.entity?.startsWith('kill')),
      120_000,
      'a first alert',
    );
    const before = ofKill().length;
    for (const p of started) p.child.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exited));
    await startService();
    await alertsTopic.until(() => ofKill().length >= expected.length, 180_000, `${expected.length} alerts`);
    await new Promise((r) => setTimeout(r, 5000)); // room for a duplicate to show up
    const got = ofKill()
      .map(({ value: a }) => [a.alert_id, a.status, a.entity, a.window_start, a.mention_count])
      .sort();
    expect(before, 'killed mid-stream').to.be.lessThan(expected.length);
    expect(got).to.deep.equal(expected);
  });
});
