/**
 * k8s/ offline: every overlay renders with Kustomize, every object is valid against its schema
 * (the operators' CRDs included), the project's policies hold, the generated files match the
 * generator, and each policy fails on a fixture that seeds one violation of it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { backupConfigSpec } from '../../scripts/backup/config';
import { ROOT, loadConfigSpecs } from '../../scripts/config-specs';
import { environmentConfig, generate } from '../../scripts/k8s/generate';
import { ENVIRONMENTS, WORKLOADS } from '../../scripts/k8s/model';
import { checkPolicies, minReplicas, policiesFor, type PolicyId } from '../../scripts/k8s/policies';
import { render, validateSchemas, type K8sObject } from '../../scripts/k8s/render';

const FIXTURES = path.join(ROOT, 'test/k8s/fixtures');

describe('k8s manifests', function () {
  this.timeout(120_000);
  const rendered = new Map<string, K8sObject[]>();

  before(() => {
    // The dev overlay generates its Secrets from files that are never committed.
    execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/k8s-dev-secrets.ts')]);
    for (const env of ENVIRONMENTS) rendered.set(env, render(path.join(ROOT, 'k8s/overlays', env)));
  });

  it('commits exactly what the generator writes (config specs, topics, flows, monitoring)', async () => {
    const files = generate(await loadConfigSpecs());
    const stale = [...files].filter(
      ([rel, content]) => readFileSync(path.join(ROOT, rel), 'utf8') !== content,
    );
    expect(
      stale.map(([rel]) => rel),
      'run npm run -s k8s:generate',
    ).to.deep.equal([]);
  });

  for (const env of ENVIRONMENTS) {
    describe(`overlay ${env}`, () => {
      it('renders every workload, its config and the stack on the operators', () => {
        const kinds = new Set(rendered.get(env)!.map((o) => o.kind));
        for (const k of [
          'Deployment',
          'Job',
          'ConfigMap',
          'NetworkPolicy',
          'Kafka',
          'KafkaNodePool',
          'KafkaTopic',
        ].concat(['Elasticsearch', 'Kibana', 'Cluster', 'ScaledObject', 'HorizontalPodAutoscaler', 'Secret']))
          expect(kinds, k).to.include(k);
        const deployments = rendered
          .get(env)!
          .filter((o) => o.kind === 'Deployment')
          .map((o) => o.metadata.name);
        expect(deployments).to.include.members(
          WORKLOADS.filter((w) => w.kind === 'Deployment').map((w) => w.name),
        );
      });

      it('validates every object against its schema', async () => {
        expect(await validateSchemas(rendered.get(env)!)).to.deep.equal([]);
      });

      it(`meets the policies (${policiesFor(env).join(', ')})`, () => {
        expect(checkPolicies(rendered.get(env)!, policiesFor(env))).to.deep.equal([]);
      });

      it('gives each ConfigMap only variables of its workload and its secrets as files', () => {
        for (const w of WORKLOADS) {
          const cm = rendered
            .get(env)!
            .find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(`${w.name}-config-`));
          expect(cm, `${w.name}-config`).to.not.equal(undefined);
          const data = cm!.data as Record<string, string>;
          for (const v of Object.keys(w.secretFiles)) {
            expect(data).to.not.have.property(v);
            expect(data[`${v}_FILE`]).to.match(/^\/var\/run\/secrets\/aspect-stream\//);
          }
        }
      });
    });
  }

  it('runs staging and prod with TLS to PostgreSQL and Elasticsearch, Kafka on its TLS listener with SCRAM', () => {
    for (const env of ['staging', 'prod']) {
      const data = (name: string): Record<string, string> =>
        rendered
          .get(env)!
          .find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(`${name}-config-`))!
          .data as Record<string, string>;
      expect(data('api').PGSSLMODE).to.equal('verify-full');
      expect(data('api').ELASTICSEARCH_URL).to.match(/^https:/);
      expect(data('sink-elasticsearch').ELASTICSEARCH_URL).to.match(/^https:/);
      // Every Kafka client: TLS and SCRAM as its own KafkaUser, with the password file mounted.
      for (const w of WORKLOADS.filter((x) => x.talksTo.includes('kafka'))) {
        const c = data(w.name);
        expect(c.KAFKA_BROKERS, w.name).to.match(/:9093$/);
        expect([c.KAFKA_SSL, c.KAFKA_SASL_MECHANISM, c.KAFKA_SASL_USERNAME], w.name).to.deep.equal([
          'true',
          'scram-sha-512',
          w.name,
        ]);
        expect(rendered.get(env)!.some((o) => o.kind === 'KafkaUser' && o.metadata.name === w.name)).to.equal(
          true,
        );
        const pod = rendered.get(env)!.find((o) => o.kind === w.kind && o.metadata.name === w.name)!.spec as {
          template: { spec: { containers: Array<{ volumeMounts: Array<{ mountPath: string }> }> } };
        };
        const mounts = pod.template.spec.containers[0]!.volumeMounts.map((m) => m.mountPath);
        for (const file of [c.KAFKA_SASL_PASSWORD_FILE!, c.KAFKA_SSL_CA_FILE!])
          expect(mounts, `${env} ${w.name} ${file}`).to.include(path.dirname(file));
      }
      const kafka = rendered.get(env)!.find((o) => o.kind === 'Kafka')!;
      expect(JSON.stringify(kafka.spec)).to.not.include('"tls":false');
    }
  });

  it("admits exactly the model's Kafka clients to every listener (Strimzi's own NetworkPolicies)", () => {
    const clients = WORKLOADS.filter((w) => w.talksTo.includes('kafka'))
      .map((w) => w.name)
      .sort();
    for (const env of ENVIRONMENTS) {
      const kafka = rendered.get(env)!.find((o) => o.kind === 'Kafka')!;
      const listeners = (kafka.spec as { kafka: { listeners: Array<Record<string, unknown>> } }).kafka
        .listeners;
      for (const l of listeners) {
        const peers = l.networkPolicyPeers as Array<{
          podSelector?: { matchExpressions: Array<{ values: string[] }> };
        }>;
        const pods = peers.flatMap((p) => p.podSelector?.matchExpressions[0]?.values ?? []).sort();
        expect(pods, `${env} listener ${String(l.name)}`).to.deep.equal(clients);
      }
    }
  });

  it('scales each workload on lag it reads, with KEDA allowed to describe that group and topic', () => {
    type Acl = { resource: { type: string; name: string }; operations: string[] };
    type Trigger = { type: string; metadata: Record<string, string> };
    for (const env of ['staging', 'prod']) {
      const objects = rendered.get(env)!;
      const allows = (user: string, type: string, name: string, operation: string): boolean => {
        const o = objects.find((x) => x.kind === 'KafkaUser' && x.metadata.name === user);
        const acls = (o?.spec as { authorization?: { acls: Acl[] } } | undefined)?.authorization?.acls ?? [];
        return acls.some(
          (a) => a.resource.type === type && a.resource.name === name && a.operations.includes(operation),
        );
      };
      const scaled = objects.filter((o) => o.kind === 'ScaledObject');
      expect(scaled.map((o) => o.metadata.name)).to.include('alerts');
      for (const so of scaled) {
        const spec = so.spec as { scaleTargetRef: { name: string }; triggers: Trigger[] };
        for (const { metadata: m } of spec.triggers.filter((t) => t.type === 'kafka')) {
          const where = `${env} ${so.metadata.name} on ${m.topic}/${m.consumerGroup}`;
          expect(allows(spec.scaleTargetRef.name, 'group', m.consumerGroup!, 'Read'), where).to.equal(true);
          expect(allows(spec.scaleTargetRef.name, 'topic', m.topic!, 'Read'), where).to.equal(true);
          expect(allows('keda', 'group', m.consumerGroup!, 'Describe'), where).to.equal(true);
          expect(allows('keda', 'topic', m.topic!, 'Describe'), where).to.equal(true);
        }
      }
    }
  });

  it('scrapes and probes each service on the ops port it binds; the ingress reaches only the public port', () => {
    type Port = { name: string; port?: number; containerPort?: number; targetPort?: string };
    type Rule = { from: Array<Record<string, { matchLabels: Record<string, string> }>>; ports: Port[] };
    for (const env of ENVIRONMENTS) {
      const objects = rendered.get(env)!;
      const find = (kind: string, name: string): K8sObject =>
        objects.find((o) => o.kind === kind && o.metadata.name.startsWith(name))!;
      for (const w of WORKLOADS.filter((x) => x.kind === 'Deployment')) {
        const config = find('ConfigMap', `${w.name}-config-`).data as Record<string, string>;
        const pod = (
          find('Deployment', w.name).spec as { template: { spec: { containers: Array<{ ports: Port[] }> } } }
        ).template.spec;
        const containerPort = (name: string): number | undefined =>
          pod.containers[0]!.ports.find((p) => p.name === name)?.containerPort;
        const where = `${env} ${w.name}`;
        expect(containerPort('ops'), where).to.equal(Number(config[w.portVars!.ops]));
        const service = (find('Service', w.name).spec as { ports: Port[] }).ports;
        expect(service.find((p) => p.name === 'metrics')?.targetPort, where).to.equal('ops');
        const ingress = (find('NetworkPolicy', w.name).spec as { ingress: Rule[] }).ingress;
        const portsFrom = (ns: string): number[] =>
          ingress
            .filter((r) =>
              r.from.some((f) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === ns),
            )
            .flatMap((r) => r.ports.map((p) => p.port!));
        expect(portsFrom('monitoring'), where).to.deep.equal([containerPort('ops')]);
        if (w.portVars!.public) {
          expect(containerPort('http'), where).to.equal(Number(config[w.portVars!.public]));
          expect(portsFrom('ingress-nginx'), where).to.deep.equal([containerPort('http')]);
        } else expect(portsFrom('ingress-nginx'), where).to.deep.equal([]);
      }
    }
  });

  describe('monitoring (staging, prod)', () => {
    type Rule = { alert?: string; record?: string; expr: string };
    type Group = { name: string; rules: Rule[] };
    // Read here, not through the generator, so a generator that drops or alters a rule is caught.
    const rulesDir = path.join(ROOT, 'monitoring/prometheus/rules');
    const ruleFiles = readdirSync(rulesDir)
      .filter((f) => f.endsWith('.yml'))
      .sort()
      .map((f) => ({
        name: f.replace(/\.yml$/, ''),
        groups: (parse(readFileSync(path.join(rulesDir, f), 'utf8')) as { groups: Group[] }).groups,
      }));
    const ruleNames = (file: string, groups: Group[]): string[] =>
      groups.flatMap((g) => g.rules.map((r) => `${file}/${g.name}/${r.alert ?? `record ${r.record}`}`));
    const localJobs = (
      parse(readFileSync(path.join(ROOT, 'monitoring/prometheus/prometheus.yml'), 'utf8')) as {
        scrape_configs: Array<{ job_name: string }>;
      }
    ).scrape_configs.map((c) => c.job_name);

    for (const env of ['staging', 'prod']) {
      it(`${env}: scrapes every service on its ops port under its local job name`, () => {
        type Endpoint = { port: string; honorLabels?: boolean; relabelings?: Array<Record<string, string>> };
        type ServicePort = { name: string; targetPort: string };
        const objects = rendered.get(env)!;
        const serviceDown = ruleFiles
          .flatMap((f) => f.groups.flatMap((g) => g.rules))
          .find((r) => r.alert === 'ServiceDown')!;
        const downJobs = new RegExp(`^(?:${/job=~"([^"]+)"/.exec(serviceDown.expr)![1]})$`);
        for (const w of WORKLOADS.filter((x) => x.opsPort !== undefined)) {
          const where = `${env} ${w.name}`;
          const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === w.name)!;
          const monitors = objects.filter((o) => {
            const match = (o.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)
              ?.selector?.matchLabels;
            return (
              o.kind === 'ServiceMonitor' &&
              Object.entries(match ?? {}).every(([k, v]) => service.metadata.labels?.[k] === v)
            );
          });
          expect(monitors, where).to.have.length(1);
          const endpoints = (monitors[0]!.spec as { endpoints: Endpoint[] }).endpoints;
          expect(endpoints, where).to.have.length(1);
          const port = (service.spec as { ports: ServicePort[] }).ports.find(
            (p) => p.name === endpoints[0]!.port,
          );
          expect(port?.targetPort, `${where} scrapes the ops port`).to.equal('ops');
          // The job the local Prometheus gives it, so the alert rules' job selectors hold here too.
          const job = endpoints[0]!.relabelings?.find((r) => r.targetLabel === 'job')?.replacement;
          expect(job, where).to.equal(w.configSpec);
          expect(localJobs, where).to.include(job);
          expect(downJobs.test(job!), `${where}: ServiceDown selects job ${job}`).to.equal(true);
          // The process's own `service` label wins over the Service name the operator would set.
          expect(endpoints[0]!.honorLabels, where).to.equal(true);
        }
      });

      it(`${env}: carries every rule of monitoring/prometheus/rules unchanged, a PrometheusRule per file`, () => {
        const rules = rendered.get(env)!.filter((o) => o.kind === 'PrometheusRule');
        const carried = rules.flatMap((o) =>
          ruleNames(o.metadata.name.replace(/^aspect-stream-/, ''), (o.spec as { groups: Group[] }).groups),
        );
        const expected = ruleFiles.flatMap((f) => ruleNames(f.name, f.groups));
        expect(expected.length).to.be.greaterThan(0);
        expect(carried.sort()).to.deep.equal(expected.sort());
        for (const f of ruleFiles) {
          const rule = rules.find((o) => o.metadata.name === `aspect-stream-${f.name}`);
          expect((rule?.spec as { groups: Group[] } | undefined)?.groups, f.name).to.deep.equal(f.groups);
        }
      });

      it(`${env}: ships every Grafana dashboard as a ConfigMap for the Grafana sidecar`, () => {
        const dir = path.join(ROOT, 'monitoring/grafana/dashboards');
        const shipped = rendered
          .get(env)!
          .filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
        const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
        expect(files.length).to.be.greaterThan(0);
        for (const f of files) {
          const cm = shipped.find((o) => (o.data as Record<string, string>)[f] !== undefined);
          expect((cm?.data as Record<string, string> | undefined)?.[f], f).to.equal(
            readFileSync(path.join(dir, f), 'utf8'),
          );
        }
        expect(shipped).to.have.length(files.length);
      });
    }
  });

  it('backs up the committed offsets of every consumer group the deployment runs', () => {
    const backedUp = backupConfigSpec.vars.groups.default!.split(',');
    expect(backedUp).to.include.members(WORKLOADS.flatMap((w) => w.kafka?.groups ?? []));
  });

  it('runs every stateless Deployment at least twice in prod', () => {
    for (const [name, n] of minReplicas(rendered.get('prod')!)) expect(n, name).to.be.at.least(2);
  });

  it('rejects a config value the spec does not read, naming workload and variable', async () => {
    const specs = await loadConfigSpecs();
    const api = specs.find((s) => s.component === 'api')!;
    // The collector's dev values checked against the API's spec: COLLECTOR_HTTP_* is not the API's.
    const collectorAsApi = { ...WORKLOADS.find((w) => w.name === 'collector')!, configSpec: 'api' };
    expect(() => environmentConfig(api, collectorAsApi, 'dev')).to.throw(
      /collector sets COLLECTOR_HTTP_\w+, which api/,
    );
  });

  describe('fixtures with a seeded violation', () => {
    const policies: PolicyId[] = [
      'probes',
      'resources',
      'pdb',
      'non-root',
      'network-policy',
      'image-tag',
      'partitions',
      'replicas',
    ];
    for (const policy of policies) {
      it(`fails the ${policy} policy`, () => {
        const violations = checkPolicies(render(path.join(FIXTURES, policy)), [policy]);
        expect(violations.length, JSON.stringify(violations)).to.be.greaterThan(0);
        expect(violations.every((v) => v.policy === policy)).to.equal(true);
      });
    }

    it('fails schema validation on a KafkaTopic whose partitions is not a number', async () => {
      const problems = await validateSchemas(render(path.join(FIXTURES, 'schema')));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^KafkaTopic\/text-raw-v1: .*partitions/);
    });
  });
});
