/**
 * Prometheus, the alert rules and Alertmanager end to end, on services this test starts itself on
 * 28000-28999 (the shared ones on the default ports are left alone): every service target is `up`;
 * stopping the PostgreSQL sink fires ServiceDown in Prometheus and the page reaches the webhook
 * receiver within the rule's `for` plus two evaluation intervals (plus Alertmanager's group_wait);
 * starting it again resolves the alert. Runs with `make test-alerting` (about 3 minutes).
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
import { deleteIndices, freePortIn } from '../integration/helpers/fault-proxy';
import { REPO, startProcess, waitFor, type Started } from '../integration/helpers/processes';
import { startGroupAtEnd, testKafka } from '../integration/sinks-fixtures';

const EVAL_S = 2;
const RULES = path.join(REPO, 'monitoring/prometheus/rules');

describe('alerting: a stopped service pages through Prometheus and Alertmanager', function () {
  this.timeout(400_000);
  const run = `obs${Date.now().toString(36)}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'alerting-'));
  const children: ChildProcess[] = [];
  const services = new Map<string, { port: number; env: Record<string, string>; proc?: Started }>();
  const received: ReceivedAlert[] = [];
  const receiver = createAlertReceiver(silentLogger(), (a) => received.push(a));
  let prometheus: string;

  const startService = (name: string) => {
    const s = services.get(name)!;
    const script: Record<string, string> = {
      'collector-http': 'producers/http/main.ts',
      api: 'api/main.ts',
      'sink-postgres': 'sinks/postgres/main.ts',
      'log-shipper': 'monitoring/log-shipper/main.ts',
    };
    s.proc = startProcess(script[name]!, [], s.env);
  };
  const query = async (q: string) =>
    (
      (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      }
    ).data.result;

  before(async () => {
    const port = () => freePortIn(28600, 28899);
    const groupId = `sink-postgres-${run}`;
    const admin = testKafka().admin();
    await admin.connect();
    await startGroupAtEnd(admin, groupId, 'sentiment.documents.v1');
    await admin.disconnect();
    for (const [name, envOf] of Object.entries({
      'collector-http': (p: number) => ({
        COLLECTOR_HTTP_PORT: '0',
        COLLECTOR_HTTP_HOST: '127.0.0.1',
        COLLECTOR_HTTP_OPS_PORT: String(p),
        COLLECTOR_HTTP_OPS_HOST: '127.0.0.1',
      }),
      api: (p: number) => ({
        API_PORT: '0',
        API_HOST: '127.0.0.1',
        API_OPS_PORT: String(p),
        API_OPS_HOST: '127.0.0.1',
      }),
      'sink-postgres': (p: number) => ({
        SINK_POSTGRES_OPS_PORT: String(p),
        SINK_POSTGRES_GROUP_ID: groupId,
      }),
      'log-shipper': (p: number) => ({
        LOG_SHIPPER_PORT: String(p),
        LOG_SHIPPER_DIR: dir,
        LOG_SHIPPER_STATE_FILE: path.join(dir, 'positions.json'),
        LOG_SHIPPER_ALIAS: `obs-logs-${run}`,
      }),
    })) {
      const p = await port();
      services.set(name, { port: p, env: envOf(p) });
    }
    for (const name of services.keys()) startService(name);

    const receiverPort = await port();
    await new Promise<void>((r) => receiver.server.listen(receiverPort, '127.0.0.1', () => r()));
    // The real routing, pointed at this test's receiver; quicker group timing so a resolve is seen soon.
    const am = parse(readFileSync(path.join(REPO, 'monitoring/alertmanager/alertmanager.yml'), 'utf8'));
    for (const r of am.receivers)
      for (const w of r.webhook_configs) w.url = w.url.replace('127.0.0.1:9097', `127.0.0.1:${receiverPort}`);
    am.route.group_interval = '5s';
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
        global: { scrape_interval: `${EVAL_S}s`, evaluation_interval: `${EVAL_S}s` },
        rule_files: ['recording.yml', 'slo.yml', 'alerts.yml'].map((f) => path.join(RULES, f)),
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
        scrape_configs: [...services].map(([job, s]) => ({
          job_name: job,
          static_configs: [{ targets: [`127.0.0.1:${s.port}`] }],
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

  after(async () => {
    for (const s of services.values()) s.proc?.child.kill('SIGKILL');
    for (const c of children) c.kill('SIGTERM');
    receiver.server.close();
    const es = new Client({ node: 'http://127.0.0.1:9200', maxRetries: 0 });
    await deleteIndices(es, `obs-logs-${run}-*`).catch(() => undefined);
    await es.indices.deleteIndexTemplate({ name: `obs-logs-${run}` }).catch(() => undefined);
    await es.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has every service target up', async () => {
    await waitFor(
      async () => (await query('up')).filter((r) => r.value[1] === '1').length === services.size,
      120_000,
      'every target up',
    );
    expect((await query('up')).map((r) => r.metric.job).sort()).to.deep.equal([...services.keys()].sort());
  });

  it('fires ServiceDown for a stopped sink, pages the receiver in time, and resolves when it is back', async () => {
    const sink = services.get('sink-postgres')!;
    sink.proc!.child.kill('SIGTERM');
    await sink.proc!.exited;
    const stopped = Date.now();
    await waitFor(
      async () => received.some((a) => a.alertname === 'ServiceDown' && a.status === 'firing'),
      // for: 1m, two evaluation intervals, one scrape interval to notice, Alertmanager's group_wait (5 s).
      (60 + 2 * EVAL_S + EVAL_S + 5 + 10) * 1000,
      'ServiceDown notification',
    );
    const page = received.find((a) => a.alertname === 'ServiceDown' && a.status === 'firing')!;
    expect(page).to.deep.include({ receiver: 'page', severity: 'critical' });
    expect(page.labels.job).to.equal('sink-postgres');
    const firing = await query('ALERTS{alertname="ServiceDown", alertstate="firing"}');
    expect(firing.map((a) => a.metric.job)).to.deep.equal(['sink-postgres']);
    console.log(
      `      ServiceDown reached the receiver ${Math.round((Date.now() - stopped) / 1000)} s after the sink stopped`,
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
