/**
 * docs/instrumentation.md against the code: each service's registry is built from the metrics
 * modules the service wires, and compared with the page's metric table (name, type, labels,
 * services); the log actions the code writes are compared with the page's action table. Every raw
 * metric the rules and dashboards query must be one a service registers.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type client from 'prom-client';
import { parse } from 'yaml';
import { requestContext } from '../../common/http/request-context';
import { silentLogger } from '../../common/logging/index';
import { createMetrics, type Metrics } from '../../common/metrics/index';
import { collectorMetrics } from '../../producers/http/metrics';
import { processorMetrics } from '../../stream-processors/absa/metrics';
import { consumerMetrics } from '../../common/kafka/consumer/metrics';
import { postgresSinkMetrics } from '../../sinks/postgres/metrics';
import { elasticsearchSinkMetrics } from '../../sinks/elasticsearch/metrics';
import { apiMetrics } from '../../api/metrics';
import { logShipperMetrics } from '../../monitoring/log-shipper/metrics';
import { alertsMetrics } from '../../stream-processors/alerts/metrics';
import { dashboards } from '../../monitoring/grafana/dashboards';
import { code, documentedMetrics, documentedProcessMetrics, tableAfter } from './instrumentation-doc';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** What each service's main wires into its registry (see each main.ts / service.ts). */
const SERVICES: Record<string, (m: Metrics) => void> = {
  'collector-http': (m) => {
    collectorMetrics(m);
    requestContext(silentLogger(), m);
  },
  'absa-processor': (m) => {
    consumerMetrics(m);
    processorMetrics(m);
  },
  'sink-postgres': (m) => {
    consumerMetrics(m);
    postgresSinkMetrics(m);
  },
  'sink-elasticsearch': (m) => {
    consumerMetrics(m);
    elasticsearchSinkMetrics(m);
  },
  api: (m) => {
    apiMetrics(m);
    requestContext(silentLogger(), m);
  },
  'log-shipper': (m) => logShipperMetrics(m),
  alerts: (m) => {
    consumerMetrics(m);
    alertsMetrics(m);
  },
};

interface Registered {
  type: string;
  labels: string[];
}

async function registered(service: string, defaults: boolean): Promise<Map<string, Registered>> {
  const m = createMetrics(service, { defaultMetrics: defaults });
  SERVICES[service]!(m);
  const out = new Map<string, Registered>();
  for (const j of await m.registry.getMetricsAsJSON()) {
    const metric = m.registry.getSingleMetric(j.name) as client.Metric & { labelNames?: string[] };
    out.set(j.name, { type: String(j.type), labels: [...(metric.labelNames ?? [])].sort() });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return f === 'node_modules' || f === '.data' ? [] : sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** event.action values the code writes; HttpService prefixes expand to their three actions. */
function actionsInCode(): Set<string> {
  const actions = new Set<string>();
  for (const dir of [
    'common',
    'producers',
    'stream-processors',
    'sinks',
    'api',
    'schemas',
    'monitoring',
    'scripts',
  ]) {
    for (const file of sourceFiles(path.join(ROOT, dir))) {
      // The Kubernetes manifest generators log nothing; their `action:` keys are Prometheus relabelings.
      if (file.startsWith(path.join(ROOT, 'scripts/k8s') + path.sep)) continue;
      const text = readFileSync(file, 'utf8');
      const prefixes = new Set(
        [...text.matchAll(/new HttpService\(\{[^}]*?action: '([^']+)'/g)].map((m) => m[1]!),
      );
      for (const p of prefixes) for (const s of ['started', 'stopping', 'stopped']) actions.add(`${p}-${s}`);
      for (const m of text.matchAll(/action: '([^']+)'/g)) if (!prefixes.has(m[1]!)) actions.add(m[1]!);
    }
  }
  return actions;
}

describe('monitoring: instrumentation contract (docs/instrumentation.md)', () => {
  it('documents every metric each service registers, with its type, labels and services, and nothing else', async () => {
    const documented = documentedMetrics();
    const seen = new Set<string>();
    for (const service of Object.keys(SERVICES)) {
      const reg = await registered(service, false);
      for (const [name, r] of reg) {
        seen.add(name);
        const doc = documented.get(name);
        expect(doc, `${name} (${service}) is in docs/instrumentation.md`).to.not.equal(undefined);
        expect(doc!.type, `${name}: type`).to.equal(r.type);
        expect(doc!.labels, `${name}: labels`).to.deep.equal(r.labels);
        expect(doc!.services, `${name}: services`).to.include(service);
      }
      for (const [name, doc] of documented)
        if (doc.services.includes(service))
          expect(reg.has(name), `${service} registers ${name}`).to.equal(true);
    }
    expect(
      [...documented.keys()].filter((n) => !seen.has(n)),
      'documented but registered nowhere',
    ).to.deep.equal([]);
  });

  it('names every default process metric the services serve', async () => {
    const all = await registered('api', true);
    const own = await registered('api', false);
    const defaults = [...all.keys()].filter((n) => !own.has(n));
    expect(defaults.length).to.be.greaterThan(10);
    const documented = [...documentedProcessMetrics()];
    for (const name of defaults) expect(documented, name).to.include(name);
  });

  it('lists exactly the log event actions the code writes', () => {
    const documented = new Set(tableAfter('## Log event actions').map((r) => code(r[0]!)[0]!));
    const inCode = actionsInCode();
    expect([...inCode].filter((a) => !documented.has(a)).sort(), 'written but not documented').to.deep.equal(
      [],
    );
    expect(
      [...documented].filter((a) => !inCode.has(a)).sort(),
      'documented but never written',
    ).to.deep.equal([]);
  });

  it('rules and dashboards query only metrics some service registers', async () => {
    const names = new Set<string>();
    for (const service of Object.keys(SERVICES))
      for (const [name, r] of await registered(service, true)) {
        names.add(name);
        if (r.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
      }
    const exprs: string[] = [];
    const rulesDir = path.join(ROOT, 'monitoring/prometheus/rules');
    for (const f of readdirSync(rulesDir))
      for (const g of parse(readFileSync(path.join(rulesDir, f), 'utf8')).groups as {
        rules: { expr: string }[];
      }[])
        exprs.push(...g.rules.map((r) => r.expr));
    for (const d of dashboards())
      for (const p of d.panels)
        exprs.push(...((p.targets as { expr: string }[] | undefined) ?? []).map((t) => t.expr));
    for (const expr of exprs)
      for (const name of expr.match(/\babsa_[a-z0-9_]+/g) ?? [])
        expect([...names], `${name} in ${expr}`).to.include(name);
  });
});
