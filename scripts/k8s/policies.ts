/**
 * The project's own checks on a rendered overlay, beyond schema validity: what a reviewer of a
 * production deployment would otherwise check by eye. Each returns violations naming the object.
 */
import type { K8sObject } from './render';

export type PolicyId =
  'probes' | 'resources' | 'pdb' | 'non-root' | 'network-policy' | 'image-tag' | 'partitions' | 'replicas';

export interface Violation {
  policy: PolicyId;
  object: string;
  message: string;
}

interface Container {
  name: string;
  image?: string;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
    seccompProfile?: { type?: string };
  };
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  automountServiceAccountToken?: boolean;
  securityContext?: Container['securityContext'];
}
interface Workload {
  object: K8sObject;
  id: string;
  labels: Record<string, string>;
  pod: PodSpec;
}

const id = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;
const get = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined),
    o,
  );

/** Every pod template the overlay defines itself (operators' pods are covered separately). */
export function workloads(objects: K8sObject[]): Workload[] {
  const out: Workload[] = [];
  for (const o of objects) {
    const template =
      o.kind === 'CronJob'
        ? get(o, 'spec', 'jobTemplate', 'spec', 'template')
        : ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet'].includes(o.kind)
          ? get(o, 'spec', 'template')
          : undefined;
    if (!template) continue;
    out.push({
      object: o,
      id: id(o),
      labels: (get(template, 'metadata', 'labels') as Record<string, string>) ?? {},
      pod: get(template, 'spec') as PodSpec,
    });
  }
  return out;
}

/** Pods the operators create for their custom resources, by the labels they put on them. */
const OPERATOR_PODS: Record<string, (name: string) => Record<string, string>> = {
  Kafka: (name) => ({ 'strimzi.io/cluster': name }),
  Elasticsearch: (name) => ({ 'elasticsearch.k8s.elastic.co/cluster-name': name }),
  Kibana: (name) => ({ 'kibana.k8s.elastic.co/name': name }),
  Cluster: (name) => ({ 'cnpg.io/cluster': name }),
};

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}
/** matchLabels only (what this project writes); a selector with expressions matches nothing here. */
function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector || selector.matchExpressions?.length) return false;
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}
const isEmptySelector = (s: LabelSelector | undefined): boolean =>
  !s || (Object.keys(s.matchLabels ?? {}).length === 0 && !(s.matchExpressions ?? []).length);

function containersOf(pod: PodSpec): Container[] {
  return [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
}

function checkProbes(objects: K8sObject[]): Violation[] {
  const out: Violation[] = [];
  for (const w of workloads(objects).filter((x) => x.object.kind === 'Deployment')) {
    for (const c of w.pod.containers) {
      for (const probe of ['livenessProbe', 'readinessProbe'] as const)
        if (!c[probe])
          out.push({ policy: 'probes', object: w.id, message: `container ${c.name} has no ${probe}` });
    }
  }
  return out;
}

function checkResources(objects: K8sObject[]): Violation[] {
  const out: Violation[] = [];
  for (const w of workloads(objects)) {
    for (const c of containersOf(w.pod)) {
      for (const kind of ['requests', 'limits'] as const)
        for (const r of ['cpu', 'memory'])
          if (!c.resources?.[kind]?.[r])
            out.push({
              policy: 'resources',
              object: w.id,
              message: `container ${c.name} has no ${kind}.${r}`,
            });
    }
  }
  return out;
}

function checkPdb(objects: K8sObject[]): Violation[] {
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  return workloads(objects)
    .filter((w) => w.object.kind === 'Deployment')
    .filter((w) => !pdbs.some((p) => selects(get(p, 'spec', 'selector') as LabelSelector, w.labels)))
    .map((w) => ({
      policy: 'pdb' as const,
      object: w.id,
      message: 'no PodDisruptionBudget selects its pods',
    }));
}

function checkNonRoot(objects: K8sObject[]): Violation[] {
  const out: Violation[] = [];
  for (const w of workloads(objects)) {
    const pod = w.pod.securityContext ?? {};
    const push = (message: string): void => void out.push({ policy: 'non-root', object: w.id, message });
    if (w.pod.automountServiceAccountToken !== false) push('mounts a service account token');
    for (const c of containersOf(w.pod)) {
      const sc = { ...pod, ...c.securityContext };
      if (sc.runAsNonRoot !== true) push(`container ${c.name}: runAsNonRoot is not true`);
      if (sc.runAsUser === 0) push(`container ${c.name}: runs as uid 0`);
      if (c.securityContext?.readOnlyRootFilesystem !== true)
        push(`container ${c.name}: root filesystem is writable`);
      if (c.securityContext?.allowPrivilegeEscalation !== false)
        push(`container ${c.name}: may escalate privileges`);
      if (!c.securityContext?.capabilities?.drop?.includes('ALL'))
        push(`container ${c.name}: capabilities not dropped`);
      if (sc.seccompProfile?.type !== 'RuntimeDefault')
        push(`container ${c.name}: seccomp profile is not RuntimeDefault`);
    }
  }
  return out;
}

function checkNetworkPolicies(objects: K8sObject[]): Violation[] {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const out: Violation[] = [];
  const denyAll = policies.some((p) => {
    const spec = p.spec as {
      podSelector?: LabelSelector;
      policyTypes?: string[];
      ingress?: unknown[];
      egress?: unknown[];
    };
    return (
      isEmptySelector(spec.podSelector) &&
      ['Ingress', 'Egress'].every((t) => spec.policyTypes?.includes(t)) &&
      !spec.ingress?.length &&
      !spec.egress?.length
    );
  });
  if (!denyAll)
    out.push({
      policy: 'network-policy',
      object: 'namespace',
      message: 'no default-deny policy (ingress and egress)',
    });
  // A pod is covered when a policy of its own selects it (the namespace-wide ones only deny or allow DNS).
  const own = policies.filter((p) => !isEmptySelector(get(p, 'spec', 'podSelector') as LabelSelector));
  const pods: Array<{ id: string; labels: Record<string, string> }> = [
    ...workloads(objects),
    ...objects
      .filter((o) => OPERATOR_PODS[o.kind] && o.apiVersion !== 'v1')
      .map((o) => ({ id: id(o), labels: OPERATOR_PODS[o.kind]!(o.metadata.name) })),
  ];
  for (const p of pods) {
    if (!own.some((np) => selects(get(np, 'spec', 'podSelector') as LabelSelector, p.labels)))
      out.push({ policy: 'network-policy', object: p.id, message: 'no NetworkPolicy selects its pods' });
  }
  return out;
}

function checkImageTags(objects: K8sObject[]): Violation[] {
  const out: Violation[] = [];
  for (const w of workloads(objects)) {
    for (const c of containersOf(w.pod)) {
      const image = c.image ?? '';
      const name = image.split('@')[0]!;
      const tag =
        name.lastIndexOf(':') > name.lastIndexOf('/') ? name.slice(name.lastIndexOf(':') + 1) : undefined;
      if (image.includes('@sha256:')) continue;
      if (!tag || tag === 'latest')
        out.push({
          policy: 'image-tag',
          object: w.id,
          message: `container ${c.name}: image ${image} has no fixed tag`,
        });
    }
  }
  return out;
}

function partitionsOf(objects: K8sObject[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of objects.filter((o) => o.kind === 'KafkaTopic'))
    m.set((get(t, 'spec', 'topicName') as string) ?? t.metadata.name, Number(get(t, 'spec', 'partitions')));
  return m;
}

function checkPartitions(objects: K8sObject[]): Violation[] {
  const out: Violation[] = [];
  const partitions = partitionsOf(objects);
  for (const so of objects.filter((o) => o.kind === 'ScaledObject')) {
    const max = Number(get(so, 'spec', 'maxReplicaCount') ?? 100); // KEDA's default
    for (const t of (get(so, 'spec', 'triggers') as Array<{
      type: string;
      metadata: Record<string, string>;
    }>) ?? []) {
      if (t.type !== 'kafka') continue;
      const n = partitions.get(t.metadata.topic ?? '');
      if (n === undefined)
        out.push({
          policy: 'partitions',
          object: id(so),
          message: `topic ${t.metadata.topic} is not a KafkaTopic here`,
        });
      else if (max > n)
        out.push({
          policy: 'partitions',
          object: id(so),
          message: `may scale to ${max} replicas but ${t.metadata.topic} has ${n} partitions`,
        });
    }
  }
  return out;
}

/** Least replicas of each Deployment: its autoscaler's minimum, else spec.replicas (default 1). */
export function minReplicas(objects: K8sObject[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of objects.filter((o) => o.kind === 'Deployment'))
    m.set(d.metadata.name, Number(get(d, 'spec', 'replicas') ?? 1));
  for (const h of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler'))
    m.set(get(h, 'spec', 'scaleTargetRef', 'name') as string, Number(get(h, 'spec', 'minReplicas') ?? 1));
  for (const s of objects.filter((o) => o.kind === 'ScaledObject'))
    m.set(get(s, 'spec', 'scaleTargetRef', 'name') as string, Number(get(s, 'spec', 'minReplicaCount') ?? 0));
  return m;
}

function checkReplicas(objects: K8sObject[]): Violation[] {
  return [...minReplicas(objects)]
    .filter(([, n]) => n < 2)
    .map(([name, n]) => ({
      policy: 'replicas' as const,
      object: `Deployment/${name}`,
      message: `runs ${n} replica(s) at least; production needs 2 so one can fail or be drained`,
    }));
}

const ALL: Record<PolicyId, (objects: K8sObject[]) => Violation[]> = {
  probes: checkProbes,
  resources: checkResources,
  pdb: checkPdb,
  'non-root': checkNonRoot,
  'network-policy': checkNetworkPolicies,
  'image-tag': checkImageTags,
  partitions: checkPartitions,
  replicas: checkReplicas,
};

/** Policies every environment meets; prod adds fixed image tags and two replicas of everything stateless. */
export function policiesFor(env: string): PolicyId[] {
  const common: PolicyId[] = ['probes', 'resources', 'pdb', 'non-root', 'network-policy', 'partitions'];
  return env === 'prod' ? [...common, 'image-tag', 'replicas'] : common;
}

export function checkPolicies(objects: K8sObject[], policies: PolicyId[]): Violation[] {
  return policies.flatMap((p) => ALL[p](objects));
}
