/**
 * The alert rules' contract beyond what promtool checks: every alert has a severity Alertmanager
 * routes, the three annotations, a runbook anchor that exists, and promtool unit tests that see it
 * both fire and stay silent. Alertmanager's routing is checked with amtool itself.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RULES = path.join(ROOT, 'monitoring/prometheus/rules');
const TESTS = path.join(ROOT, 'monitoring/prometheus/tests');
const AM_CONFIG = path.join(ROOT, 'monitoring/alertmanager/alertmanager.yml');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface AlertTest {
  alertname: string;
  eval_time: string;
  exp_alerts: unknown[];
}

const readYaml = <T>(file: string): T => parse(readFileSync(file, 'utf8')) as T;

export function alertRules(): Rule[] {
  return readdirSync(RULES)
    .filter((f) => f.endsWith('.yml'))
    .flatMap((f) => readYaml<{ groups: { rules: Rule[] }[] }>(path.join(RULES, f)).groups)
    .flatMap((g) => g.rules)
    .filter((r) => r.alert);
}

/** Anchors GitHub derives from the headings of a Markdown file. */
export function markdownAnchors(file: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (m)
      anchors.add(
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, '')
          .replace(/\s/g, '-'),
      );
  }
  return anchors;
}

describe('monitoring: alert rules', () => {
  const alerts = alertRules();

  it('has the alerts the pipeline needs', () => {
    expect(new Set(alerts.map((a) => a.alert))).to.include.members([
      'ServiceDown',
      'HttpErrorRatioHigh',
      'ConsumerLagGrowing',
      'DeadLettersWritten',
      'ThroughputCollapsed',
      'ApiLatencyHigh',
      'SinkWriteFailures',
      'ModelInferenceSlow',
      'IngestAvailabilityBudgetBurn',
      'ApiLatencyBudgetBurn',
      'IngestToQueryableBudgetBurn',
      'AlertsNotEvaluated',
      'AlertWebhooksFailing',
      'AlertWebhooksDeadLettered',
    ]);
  });

  it('gives every alert a routed severity, a summary, a description and a runbook that exists', () => {
    const anchors = markdownAnchors(path.join(ROOT, 'docs/runbooks.md'));
    for (const a of alerts) {
      expect(a.labels?.severity, `${a.alert}: severity`).to.be.oneOf(['critical', 'warning']);
      expect(a.annotations?.summary, `${a.alert}: summary`).to.match(/\S/);
      expect(a.annotations?.description, `${a.alert}: description`).to.match(/\S/);
      const url = a.annotations?.runbook_url ?? '';
      const m = /^docs\/runbooks\.md#([a-z0-9-]+)$/.exec(url);
      expect(m, `${a.alert}: runbook_url ${url}`).to.not.equal(null);
      expect([...anchors], `${a.alert}: heading for #${m![1]} in docs/runbooks.md`).to.include(m![1]);
    }
  });

  it('has promtool unit tests in which every alert fires and in which it does not', () => {
    const tests = readdirSync(TESTS)
      .filter((f) => f.endsWith('.test.yml'))
      .flatMap((f) => readYaml<{ tests: { alert_rule_test?: AlertTest[] }[] }>(path.join(TESTS, f)).tests)
      .flatMap((t) => t.alert_rule_test ?? []);
    for (const name of new Set(alerts.map((a) => a.alert!))) {
      const mine = tests.filter((t) => t.alertname === name);
      expect(
        mine.some((t) => t.exp_alerts.length > 0),
        `${name} fires in some test`,
      ).to.equal(true);
      expect(
        mine.some((t) => t.exp_alerts.length === 0),
        `${name} stays silent in some test`,
      ).to.equal(true);
    }
    // Each severity of an alert that has two (the burn-rate alerts) is seen firing.
    for (const a of alerts) {
      const fired = JSON.stringify(tests.filter((t) => t.alertname === a.alert).map((t) => t.exp_alerts));
      expect(fired, `${a.alert} (${a.labels!.severity}) fires in some test`).to.include(
        `"severity":"${a.labels!.severity}"`,
      );
    }
  });
});

describe('monitoring: Alertmanager routing (amtool)', () => {
  const route = (...labels: string[]): string =>
    execFileSync('amtool', ['config', 'routes', 'test', `--config.file=${AM_CONFIG}`, ...labels], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();

  it('pages for critical alerts and opens tickets for warnings and anything unlabelled', () => {
    expect(route('alertname=ServiceDown', 'severity=critical')).to.equal('page');
    expect(route('alertname=ConsumerLagGrowing', 'severity=warning')).to.equal('ticket');
    expect(route('alertname=Unknown')).to.equal('ticket');
  });

  it('sends resolved notifications to the webhooks, so a receiver sees an alert end', () => {
    const config = readYaml<{ receivers: { name: string; webhook_configs: { send_resolved: boolean }[] }[] }>(
      AM_CONFIG,
    );
    for (const r of config.receivers) {
      expect(r.webhook_configs.length, r.name).to.be.greaterThan(0);
      for (const w of r.webhook_configs) expect(w.send_resolved, r.name).to.equal(true);
    }
  });
});
