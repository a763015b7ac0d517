/**
 * Monitoring on Kubernetes (k8s/components/monitoring) from the files the local Prometheus and
 * Grafana run with, so the two never drift: a ServiceMonitor per workload under the job name of
 * monitoring/prometheus/prometheus.yml, one PrometheusRule per rule file of
 * monitoring/prometheus/rules/ carrying its groups unchanged, and monitoring/grafana/dashboards/
 * as ConfigMaps the Grafana sidecar loads.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { WORKLOADS } from './model';

export const RULES_DIR = 'monitoring/prometheus/rules';
const PROMETHEUS_CONFIG = 'monitoring/prometheus/prometheus.yml';
const DASHBOARDS_DIR = 'monitoring/grafana/dashboards';

export interface RuleFile {
  /** The file's name without `.yml`: the PrometheusRule is `aspect-stream-<name>`. */
  name: string;
  groups: unknown[];
}

export interface MonitoringSources {
  /** Job names of prometheus.yml's scrape configs: the alert rules select on them. */
  jobs: string[];
  ruleFiles: RuleFile[];
  /** Dashboard file name → its JSON, verbatim. */
  dashboards: Array<{ file: string; json: string }>;
}

/** Reads a rule file as Prometheus does: a `groups` list, each group named and with rules. */
export function readRuleFile(root: string, file: string): RuleFile {
  const doc = parse(readFileSync(path.join(root, RULES_DIR, file), 'utf8')) as { groups?: unknown };
  if (!Array.isArray(doc?.groups) || doc.groups.length === 0)
    throw new Error(`${RULES_DIR}/${file}: no rule groups`);
  return { name: file.replace(/\.ya?ml$/, ''), groups: doc.groups };
}

export function loadMonitoringSources(root: string): MonitoringSources {
  const config = parse(readFileSync(path.join(root, PROMETHEUS_CONFIG), 'utf8')) as {
    scrape_configs: Array<{ job_name: string }>;
  };
  const yamlFiles = (dir: string, ext: RegExp): string[] =>
    readdirSync(path.join(root, dir))
      .filter((f) => ext.test(f))
      .sort();
  return {
    jobs: config.scrape_configs.map((c) => c.job_name),
    ruleFiles: yamlFiles(RULES_DIR, /\.ya?ml$/).map((f) => readRuleFile(root, f)),
    dashboards: yamlFiles(DASHBOARDS_DIR, /\.json$/).map((file) => ({
      file,
      json: readFileSync(path.join(root, DASHBOARDS_DIR, file), 'utf8'),
    })),
  };
}

const labels = (name: string): Record<string, string> => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/part-of': 'aspect-stream',
});

/**
 * One per workload with an ops port, on its Service's `metrics` port. `job` is set to the local
 * job name (the `service` each process labels its own series with), so `up{job=~...}` in the
 * alerts matches here as on one machine; honorLabels keeps that `service` label, which the
 * operator's target label (the Kubernetes Service name) would otherwise displace.
 */
function serviceMonitors(jobs: string[]): object[] {
  return WORKLOADS.filter((w) => w.opsPort !== undefined).map((w) => {
    const job = w.configSpec;
    if (!jobs.includes(job))
      throw new Error(`${w.name}: ${PROMETHEUS_CONFIG} has no job ${job}, which the alert rules select`);
    return {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: w.name, labels: labels(w.name) },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': w.name } },
        endpoints: [
          {
            port: 'metrics',
            path: '/metrics',
            // prometheus.yml's scrape interval: the rules' rate windows assume it.
            interval: '15s',
            honorLabels: true,
            relabelings: [{ action: 'replace', targetLabel: 'job', replacement: job }],
          },
        ],
      },
    };
  });
}

/**
 * One PrometheusRule per file, not one for all: Prometheus scopes group names to their file, and
 * recording.yml and alerts.yml both name a group absa-alert-service.
 */
function prometheusRules(ruleFiles: RuleFile[]): object[] {
  return ruleFiles.map((f) => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: `aspect-stream-${f.name}`,
      labels: labels('aspect-stream'),
      annotations: { 'aspect-stream.io/doc': `${RULES_DIR}/${f.name}.yml` },
    },
    spec: { groups: f.groups },
  }));
}

/** `grafana_dashboard: "1"` is the label kube-prometheus-stack's Grafana sidecar watches for. */
function dashboardConfigMaps(dashboards: MonitoringSources['dashboards']): object[] {
  return dashboards.map(({ file, json }) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `dashboard-${file.replace(/\.json$/, '')}`,
      labels: { ...labels('aspect-stream'), grafana_dashboard: '1' },
      annotations: { 'aspect-stream.io/doc': `${DASHBOARDS_DIR}/${file}` },
    },
    data: { [file]: json },
  }));
}

export function monitoringObjects(sources: MonitoringSources): {
  monitors: object[];
  rules: object[];
  dashboards: object[];
} {
  return {
    monitors: serviceMonitors(sources.jobs),
    rules: prometheusRules(sources.ruleFiles),
    dashboards: dashboardConfigMaps(sources.dashboards),
  };
}
