/**
 * Prometheus, the alert rules and Alertmanager end to end, on services this test starts itself on
 * 28600-28899 (the shared ones on the default ports are left alone): every service Prometheus
 * scrapes — the jobs ServiceDown watches — runs and its target is `up`; stopping the PostgreSQL sink
 * fires ServiceDown in Prometheus within the rule's `for` plus two evaluation intervals, and the
 * page reaches the webhook receiver within that plus Alertmanager's group_wait for pages; starting
 * the sink again resolves the alert. Runs with `make test-alerting` (about 3 minutes).
 *
 * Prometheus runs the real prometheus.yml and rule files with the service jobs pointed at this
 * test's ports and scrape and evaluation intervals of 2 s; the consumers run in groups of their own
 * that start at their topics' ends, so they neither replay the topics nor take partitions from a
 * pipeline already running here.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from '@elastic/elasticsearch';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { silentLogger } from '../../common/logging/index';
import { createAlertReceiver, type ReceivedAlert } from '../../monitoring/alertmanager/receiver';
import { TOPICS } from '../../schemas/topics';
import { deleteIndices, freePortIn } from '../integration/helpers/fault-proxy';
import { REPO, startProcess, waitFor, type Started } from '../integration/helpers/processes';
import { startGroupAtEnd, testKafka } from '../integration/sinks-fixtures';

/** Scrape and evaluation interval of this test's Prometheus, in seconds. */
const EVAL_S = 2;
const MONITORING = path.join(REPO, 'monitoring');
const RULES = path.join(MONITORING, 'prometheus/rules');

interface Rule {
  alert?: string;
  expr: string;
  for?: string;
}
interface Route {
  receiver: string;
  group_wait?: string;
  group_interval?: string;
  routes?: Route[];
}
interface ScrapeConfig {
  job_name: string;
  static_configs?: Array<{ targets: string[] }>;
}

/** Prometheus durations as the rule and routing files write them (s, m). */
function seconds(duration: string): number {
  const m = /^(\d+)(s|m)$/.exec(duration);
  if (!m) throw new Error(`unexpected duration ${duration}`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

const readYaml = <T>(file: string): T => parse(readFileSync(file, 'utf8')) as T;
const serviceDown = readYaml<{ groups: Array<{ rules: Rule[] }> }>(path.join(RULES, 'alerts.yml'))
  .groups.flatMap((g) => g.rules)
  .find((r) => r.alert === 'ServiceDown')!;
/** The jobs ServiceDown watches: the pipeline's services. */
const WATCHED = /job=~"([^"]+)"/.exec(serviceDown.expr)![1]!.split('|').sort();
const FOR_S = seconds(serviceDown.for!);
const alertmanagerConfig = readYaml<{
  route: Route;
  receivers: Array<{ webhook_configs: { url: string }[] }>;
}>(path.join(MONITORING, 'alertmanager/alertmanager.yml'));
const pageRoute = alertmanagerConfig.route.routes!.find((r) => r.receiver === 'page')!;
const GROUP_WAIT_S = seconds(pageRoute.group_wait ?? alertmanagerConfig.route.group_wait!);
const prometheusConfig = readYaml<{ global: Record<string, unknown>; scrape_configs: ScrapeConfig[] }>(
  path.join(MONITORING, 'prometheus/prometheus.yml'),
);

describe('alerting: a stopped service pages through Prometheus and Alertmanager', function () {
  this.timeout(400_000);
  const run = `obs${Date.now().toString(36)}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'alerting-'));
  const alias = `obs-logs-${run}`;
  const groups = {
    processor: `absa-processor-${run}`,
    postgres: `sink-postgres-${run}`,
    elasticsearch: `sink-elasticsearch-${run}`,
    alerts: `alerts-${run}`,
  };
  /** Each service Prometheus scrapes, by job: its entry point and its environment for an ops port. */
  const specs: Record<string, { script: string; env: (port: number) => Record<string, string> }> = {
    'collector-http': {
      script: 'producers/http/main.ts',
      env: (p) => ({
        COLLECTOR_HTTP_PORT: '0',
        COLLECTOR_HTTP_HOST: '127.0.0.1',
        COLLECTOR_HTTP_OPS_PORT: String(p),
        COLLECTOR_HTTP_OPS_HOST: '127.0.0.1',
      }),
    },
    'absa-processor': {
      script: 'stream-processors/absa/main.ts',
      env: (p) => ({ ABSA_PORT: String(p), ABSA_GROUP_ID: groups.processor }),
    },
    'sink-postgres': {
      script: 'sinks/postgres/main.ts',
      env: (p) => ({ SINK_POSTGRES_OPS_PORT: String(p), SINK_POSTGRES_GROUP_ID: groups.postgres }),
    },
    'sink-elasticsearch': {
      script: 'sinks/elasticsearch/main.ts',
      env: (p) => ({
        SINK_ELASTICSEARCH_OPS_PORT: String(p),
        SINK_ELASTICSEARCH_GROUP_ID: groups.elasticsearch,
      }),
    },
    api: {
      script: 'api/main.ts',
      env: (p) => ({
        API_PORT: '0',
        API_HOST: '127.0.0.1',
        API_OPS_PORT: String(p),
        API_OPS_HOST: '127.0.0.1',
      }),
    },
    alerts: {
      script: 'stream-processors/alerts/main.ts',
      env: (p) => ({ ALERTS_PORT: String(p), ALERTS_GROUP_ID: groups.alerts }),
    },
    'log-shipper': {
      script: 'monitoring/log-shipper/main.ts',
      env: (p) => ({
        LOG_SHIPPER_PORT: String(p),
        LOG_SHIPPER_DIR: dir,
        LOG_SHIPPER_STATE_FILE: path.join(dir, 'positions.json'),
        LOG_SHIPPER_ALIAS: alias,
      }),
    },
  };
  const children: ChildProcess[] = [];
  const services = new Map<string, { port: number; proc?: Started }>();
  const received: ReceivedAlert[] = [];
  const receiver = createAlertReceiver(silentLogger(), (a) => received.push(a));
  let prometheus: string;

  const startService = (job: string) => {
    const s = services.get(job)!;
    s.proc = startProcess(specs[job]!.script, [], { LOG_LEVEL: 'warn', ...specs[job]!.env(s.port) });
  };
  const query = async (q: string) =>
    (
      (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      }
    ).data.result;

  before(async () => {
    const port = () => freePortIn(28600, 28899);
    const admin = testKafka().admin();
    await admin.connect();
    await startGroupAtEnd(admin, groups.processor, TOPICS.rawText);
    await startGroupAtEnd(admin, groups.postgres, TOPICS.documents);
    await startGroupAtEnd(admin, groups.elasticsearch, TOPICS.documents);
    await startGroupAtEnd(admin, `${groups.alerts}-tally`, TOPICS.aspects);
    await startGroupAtEnd(admin, groups.alerts, TOPICS.alertTallies);
    await startGroupAtEnd(admin, `${groups.alerts}-delivery`, TOPICS.alerts);
    await admin.disconnect();
    for (const job of Object.keys(specs)) services.set(job, { port: await port() });
    for (const job of services.keys()) startService(job);

    const receiverPort = await port();
    await new Promise<void>((r) => receiver.server.listen(receiverPort, '127.0.0.1', () => r()));
    // The real routing, pointed at this test's receiver; a shorter group_interval so the resolve
    // is sent soon (group_wait, which bounds the first page, stays as configured).
    const am = structuredClone(alertmanagerConfig);
    for (const r of am.receivers)
      for (const w of r.webhook_configs) w.url = w.url.replace('127.0.0.1:9097', `127.0.0.1:${receiverPort}`);
    am.route.group_interval = '5s';
    for (const r of am.route.routes ?? []) r.group_interval = '5s';
    writeFileSync(path.join(dir, 'alertmanager.yml'), stringify(am));
    const amPort = await port();
    children.push(
      spawn(
        'prometheus-alertmanager',
        [
          `--config.file=${dir}/alertmanager.yml`,
          `--storage.path=${dir}/am`,
          `--web.listen-address=127.0.0.1:${amPort}`,
          '--cluster.listen-address=',
        ],
        { stdio: 'ignore' },
      ),
    );
    const promPort = await port();
    prometheus = `http://127.0.0.1:${promPort}`;
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      stringify({
        global: {
          ...prometheusConfig.global,
          scrape_interval: `${EVAL_S}s`,
          evaluation_interval: `${EVAL_S}s`,
        },
        rule_files: ['recording.yml', 'slo.yml', 'alerts.yml'].map((f) => path.join(RULES, f)),
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
        // The real service jobs, at this test's ports; the stack probes and the monitoring
        // components themselves are not part of this test.
        scrape_configs: prometheusConfig.scrape_configs
          .filter((c) => services.has(c.job_name))
          .map((c) => ({
            ...c,
            static_configs: [{ targets: [`127.0.0.1:${services.get(c.job_name)!.port}`] }],
          })),
      }),
    );
    children.push(
      spawn(
        'prometheus',
        [
          `--config.file=${dir}/prometheus.yml`,
          `--storage.tsdb.path=${dir}/tsdb`,
          `--web.listen-address=127.0.0.1:${promPort}`,
        ],
        { stdio: 'ignore' },
      ),
    );
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${amPort}/-/ready`)).ok,
      30_000,
      'alertmanager ready',
    );
    await waitFor(async () => (await fetch(`${prometheus}/-/ready`)).ok, 30_000, 'prometheus ready');
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const [job, s] of services) console.log(`--- ${job}\n${s.proc?.output().slice(-2000)}`);
  });

  after(async () => {
    for (const s of services.values()) s.proc?.child.kill('SIGKILL');
    for (const c of children) c.kill('SIGTERM');
    receiver.server.close();
    const admin = testKafka().admin();
    await admin.connect();
    await admin
      .deleteGroups([...Object.values(groups), `${groups.alerts}-tally`, `${groups.alerts}-delivery`])
      .catch(() => undefined);
    await admin.disconnect();
    const es = new Client({ node: 'http://127.0.0.1:9200', maxRetries: 0 });
    await deleteIndices(es, `${alias}-*`).catch(() => undefined);
    await es.indices.deleteIndexTemplate({ name: alias }).catch(() => undefined);
    await es.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every service Prometheus scrapes and has every target up', async () => {
    const scraped = prometheusConfig.scrape_configs.map((c) => c.job_name);
    expect(
      WATCHED.filter((job) => !scraped.includes(job)),
      'ServiceDown jobs not in prometheus.yml',
    ).to.deep.equal([]);
    expect(Object.keys(specs).sort(), 'services this test starts').to.deep.equal(WATCHED);
    await waitFor(
      async () => (await query('up')).filter((r) => r.value[1] === '1').length === WATCHED.length,
      180_000,
      'every target up',
    ).catch(async (err: Error) => {
      const down = (await query('up')).filter((r) => r.value[1] !== '1').map((r) => r.metric.job);
      throw new Error(`${err.message}; down: ${down.join(', ')}`);
    });
    const up = await query('up');
    expect(up.map((r) => r.metric.job).sort()).to.deep.equal(WATCHED);
    expect(up.every((r) => r.value[1] === '1')).to.equal(true);
  });

  it('fires ServiceDown for a stopped sink, pages the receiver in time, and resolves when it is back', async () => {
    const sink = services.get('sink-postgres')!;
    sink.proc!.child.kill('SIGTERM');
    await sink.proc!.exited;
    const stopped = Date.now();
    // Up to one scrape interval to see the target down and one evaluation interval to start the
    // pending alert (scrape and evaluation intervals are equal here), then `for`.
    const firingBound = FOR_S + 2 * EVAL_S;
    await waitFor(
      async () =>
        (await query('ALERTS{alertname="ServiceDown", alertstate="firing"}')).some(
          (a) => a.metric.job === 'sink-postgres',
        ),
      firingBound * 1000,
      `ServiceDown firing in Prometheus within ${firingBound} s`,
    );
    const firedAfter = (Date.now() - stopped) / 1000;
    const firing = await query('ALERTS{alertname="ServiceDown", alertstate="firing"}');
    expect(firing.map((a) => a.metric.job)).to.deep.equal(['sink-postgres']);

    // Alertmanager holds a new group for group_wait before it sends it.
    const pageBound = firingBound + GROUP_WAIT_S;
    await waitFor(
      async () => received.some((a) => a.alertname === 'ServiceDown' && a.status === 'firing'),
      Math.max(0, pageBound * 1000 - (Date.now() - stopped)),
      `the ServiceDown page within ${pageBound} s (for ${FOR_S} s + 2 × ${EVAL_S} s + group_wait ${GROUP_WAIT_S} s)`,
    );
    const pagedAfter = (Date.now() - stopped) / 1000;
    const page = received.find((a) => a.alertname === 'ServiceDown' && a.status === 'firing')!;
    expect(page).to.deep.include({ receiver: 'page', severity: 'critical' });
    expect(page.labels.job).to.equal('sink-postgres');
    console.log(
      `      ServiceDown fired ${firedAfter.toFixed(1)} s (bound ${firingBound} s) and paged ${pagedAfter.toFixed(1)} s (bound ${pageBound} s) after the sink stopped`,
    );

    startService('sink-postgres');
    await waitFor(
      async () => received.some((a) => a.alertname === 'ServiceDown' && a.status === 'resolved'),
      120_000,
      'resolved notification',
    );
    expect(await query('ALERTS{alertname="ServiceDown"}')).to.deep.equal([]);
  });
});
