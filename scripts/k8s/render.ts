/**
 * Renders a Kustomize folder (`kubectl kustomize`, or a standalone `kustomize build`) and validates
 * every object against its schema: Kubernetes' own from `kubernetes-models`, the operators' custom
 * resources from the `@kubernetes-models/*` packages generated from their CRDs. Offline: nothing
 * is sent to a cluster.
 */
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

function kustomizeCommand(): [string, string[]] {
  const has = (cmd: string): boolean => {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (process.env.KUSTOMIZE) return [process.env.KUSTOMIZE, ['build']];
  if (has('kubectl')) return ['kubectl', ['kustomize']];
  if (has('kustomize')) return ['kustomize', ['build']];
  throw new Error('neither kubectl nor kustomize is on PATH (make k8s-tools installs kustomize)');
}

export function render(dir: string): K8sObject[] {
  const [cmd, args] = kustomizeCommand();
  const out = execFileSync(cmd, [...args, dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** apiVersion group → the npm package whose models cover it. */
const PACKAGES: Record<string, string> = {
  'kafka.strimzi.io': '@kubernetes-models/strimzi-kafka-operator',
  'keda.sh': '@kubernetes-models/keda',
  'elasticsearch.k8s.elastic.co': '@kubernetes-models/elastic-cloud',
  'kibana.k8s.elastic.co': '@kubernetes-models/elastic-cloud',
  'postgresql.cnpg.io': '@kubernetes-models/cloudnative-pg',
  'external-secrets.io': '@kubernetes-models/external-secrets',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

type ModelClass = new (data: unknown) => { validate(): void };

async function modelFor(apiVersion: string, kind: string): Promise<ModelClass> {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = group ? PACKAGES[group] : undefined;
  const module = pkg
    ? `${pkg}/${group}/${version}/${kind}`
    : `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(module)) as Record<string, unknown>;
  } catch {
    throw new Error(`no schema for ${apiVersion} ${kind} (looked for ${module})`);
  }
  const cls = loaded[kind] ?? (loaded.default as Record<string, unknown> | undefined)?.[kind];
  if (typeof cls !== 'function') throw new Error(`no schema for ${apiVersion} ${kind} in ${module}`);
  return cls as ModelClass;
}

/** Kustomize folds long base64 values over lines; the API server's decoder skips the line breaks. */
function withUnfoldedSecretData(o: K8sObject): K8sObject {
  if (o.kind !== 'Secret' || typeof o.data !== 'object' || o.data === null) return o;
  const data = Object.fromEntries(
    Object.entries(o.data as Record<string, string>).map(([k, v]) => [k, String(v).replace(/\s+/g, '')]),
  );
  return { ...o, data };
}

/** Problems found, one per invalid object, naming it; empty when every object is valid. */
export async function validateSchemas(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const o of objects) {
    const name = `${o.kind}/${o.metadata?.name}`;
    try {
      const Model = await modelFor(o.apiVersion, o.kind);
      new Model(withUnfoldedSecretData(o)).validate();
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message.split('\n').slice(0, 6).join(' ')}`);
    }
  }
  return problems;
}
