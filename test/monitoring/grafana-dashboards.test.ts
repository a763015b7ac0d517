/**
 * The Grafana dashboards: valid against Grafana's published dashboard schema (the `Dashboard` type of
 * @grafana/schema, turned into a JSON Schema), exactly what monitoring/grafana/dashboards.ts writes,
 * and every query parsed by the real Prometheus (promtool).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import { expect } from 'chai';
import { createGenerator } from 'ts-json-schema-generator';
import { parse } from 'yaml';
import { createMetrics } from '../../common/metrics/index';
import { DASHBOARD_DIR, dashboards, type DashboardJson } from '../../monitoring/grafana/dashboards';
import { alertsMetrics } from '../../stream-processors/alerts/metrics';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

/** Grafana's classic dashboard model (what file provisioning reads), from @grafana/schema's types. */
function grafanaDashboardValidator(): ValidateFunction {
  const types = path.join(
    path.dirname(require.resolve('@grafana/schema/package.json')),
    'dist/types/raw/dashboard/x/types.gen.d.ts',
  );
  const schema = createGenerator({ path: types, type: 'Dashboard', skipTypeCheck: true }).createSchema(
    'Dashboard',
  );
  return new Ajv({ strict: false, allErrors: true }).compile(schema);
}

const files = (): string[] => readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.json'));
const load = (f: string): DashboardJson => JSON.parse(readFileSync(path.join(DASHBOARD_DIR, f), 'utf8'));

interface Target {
  refId: string;
  expr: string;
}
const panelsOf = (d: DashboardJson) => d.panels.filter((p) => p.type !== 'row');
const targetsOf = (d: DashboardJson): Target[] => panelsOf(d).flatMap((p) => (p.targets as Target[]) ?? []);

/** Grafana's interval variables, as Grafana replaces them before the query reaches Prometheus. */
const substituteVariables = (expr: string): string =>
  expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '15s').replaceAll('$__range', '1h');

/** Every recording rule's expression, by the name it records (a name recorded twice: both joined). */
function recordingRules(): Map<string, string> {
  const dir = path.join(ROOT, 'monitoring/prometheus/rules');
  const out = new Map<string, string>();
  for (const f of readdirSync(dir))
    for (const g of parse(readFileSync(path.join(dir, f), 'utf8')).groups as {
      rules: { record?: string; expr: string }[];
    }[])
      for (const r of g.rules)
        if (r.record) out.set(r.record, `${out.get(r.record) ?? ''} ${String(r.expr)}`);
  return out;
}

describe('monitoring: Grafana dashboards', function () {
  this.timeout(120_000);
  let validate: ValidateFunction;

  before(() => {
    validate = grafanaDashboardValidator();
  });

  it('are valid against Grafana’s dashboard schema', () => {
    expect(files()).to.have.length.greaterThanOrEqual(4);
    for (const f of files()) {
      const ok = validate(load(f));
      expect(ok, `${f}: ${JSON.stringify(validate.errors?.slice(0, 5))}`).to.equal(true);
    }
  });

  it('schema validation refuses what Grafana would not load', () => {
    const d = structuredClone(load(files()[0]!));
    delete (d.panels[1] as Record<string, unknown>).type;
    expect(validate(d)).to.equal(false);
    const e = { ...structuredClone(load(files()[0]!)), graphTooltip: 7 };
    expect(validate(e)).to.equal(false);
    const f = { ...structuredClone(load(files()[0]!)), panelz: [] };
    expect(validate(f)).to.equal(false);
  });

  it('are what monitoring/grafana/dashboards.ts writes (regenerate with npx tsx monitoring/grafana/dashboards.ts)', () => {
    const generated = dashboards();
    expect(files().sort()).to.deep.equal(generated.map((d) => `${d.uid}.json`).sort());
    for (const d of generated) expect(load(`${d.uid}.json`), d.uid).to.deep.equal(d);
  });

  it('have unique uids and panel ids, panels inside the 24-column grid, every query on the chosen data source', () => {
    const uids = files().map((f) => load(f).uid);
    expect(new Set(uids).size).to.equal(uids.length);
    for (const f of files()) {
      const d = load(f);
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size, f).to.equal(ids.length);
      for (const p of d.panels) {
        const g = p.gridPos as { x: number; w: number };
        expect(g.x + g.w, `${f} ${String(p.title)}`).to.be.at.most(24);
      }
      for (const p of panelsOf(d)) {
        expect(p.datasource, `${f} ${String(p.title)}`).to.deep.equal({
          type: 'prometheus',
          uid: '${datasource}',
        });
        expect(p.description, `${f} ${String(p.title)}`).to.match(/\S/);
      }
    }
  });

  it('have queries that Prometheus parses (promtool)', () => {
    const rules = files().flatMap((f) =>
      targetsOf(load(f)).map((t, i) => ({
        record: `dashboard:${path.basename(f, '.json').replaceAll('-', '_')}:query${i}`,
        expr: substituteVariables(t.expr),
      })),
    );
    expect(rules.length).to.be.greaterThan(30);
    const dir = mkdtempSync(path.join(tmpdir(), 'dashboards-'));
    try {
      const file = path.join(dir, 'queries.yml');
      writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboards', rules }] }));
      const out = execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
      expect(out).to.include(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('promtool refuses a query that does not parse, so the check above can fail', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dashboards-'));
    try {
      const file = path.join(dir, 'bad.yml');
      writeFileSync(
        file,
        JSON.stringify({ groups: [{ name: 'd', rules: [{ record: 'x:y', expr: 'sum(rate(x[5m])' }] }] }),
      );
      expect(() => execFileSync('promtool', ['check', 'rules', file], { stdio: 'pipe' })).to.throw();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('use only recorded series that the recording rules define', () => {
    const recorded = new Set(
      readdirSync(path.join(ROOT, 'monitoring/prometheus/rules'))
        .flatMap((f) => parse(readFileSync(path.join(ROOT, 'monitoring/prometheus/rules', f), 'utf8')).groups)
        .flatMap((g: { rules: { record?: string }[] }) => g.rules.map((r) => r.record))
        .filter(Boolean),
    );
    for (const f of files())
      for (const t of targetsOf(load(f)))
        for (const name of t.expr.match(/\b[a-z_]+:[a-z0-9_]+:[a-z0-9_]+\b/g) ?? [])
          expect([...recorded], `${f} ${t.expr}`).to.include(name);
  });

  it('chart every metric of the alert service on its dashboard, directly or through a recording rule', async () => {
    const rules = recordingRules();
    const queried = targetsOf(load('absa-alerts.json'))
      .map((t) => t.expr.replace(/\b[a-z_]+:[a-z0-9_]+:[a-z0-9_]+\b/g, (name) => rules.get(name) ?? name))
      .join('\n');
    const m = createMetrics('alerts', { defaultMetrics: false });
    alertsMetrics(m);
    const names = (await m.registry.getMetricsAsJSON()).map((j) => j.name);
    expect(names).to.include('absa_alerts_deliveries_total');
    for (const name of names) expect(queried, `${name} on the alert service dashboard`).to.include(name);
  });

  it('are provisioned from this folder with a Prometheus data source', () => {
    const ds = parse(
      readFileSync(path.join(ROOT, 'monitoring/grafana/provisioning/datasources/aspect-stream.yml'), 'utf8'),
    );
    expect(ds.datasources[0]).to.include({ type: 'prometheus', url: 'http://127.0.0.1:9090' });
    const prov = parse(
      readFileSync(path.join(ROOT, 'monitoring/grafana/provisioning/dashboards/aspect-stream.yml'), 'utf8'),
    );
    expect(prov.providers[0].options.path).to.equal('$ASPECT_STREAM_DIR/monitoring/grafana/dashboards');
  });
});
