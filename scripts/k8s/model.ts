/**
 * The Kubernetes deployment in one table: which config spec each workload runs with, which secrets
 * it reads from files, whom it talks to (the data-flow diagram of DESIGN.md, from which the
 * NetworkPolicies and Kafka ACLs are generated) and the configuration values of each environment.
 * `npm run -s k8s:generate` writes k8s/**\/generated/ from it; everything else under k8s/ is plain
 * Kustomize YAML.
 */
import { TOPICS, dlqTopic } from '../../schemas/topics';

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Where the services find secret files (one Secret per workload, mounted read-only). */
export const SECRET_DIR = '/var/run/secrets/aspect-stream';
/** Where components/kafka-auth mounts a Kafka client's KafkaUser password (user/) and the cluster CA (ca/). */
export const KAFKA_SECRET_DIR = `${SECRET_DIR}-kafka`;
/** Where components/tls mounts the CAs of PostgreSQL and Elasticsearch. */
export const CA_DIR = `${SECRET_DIR}-ca`;

/** The data stores and servers a workload may reach; each maps to pods and ports below. */
export type Peer = 'kafka' | 'registry' | 'postgres' | 'elasticsearch';

export interface KafkaAccess {
  /** Topics it reads (Read + Describe). */
  read?: string[];
  /** Topics it writes (Write + Describe). */
  write?: string[];
  /** Consumer groups it joins (Read + Describe). */
  groups?: string[];
  /** Prefixes of throwaway consumer groups it names at run time (Read + Describe, prefixed). */
  groupPrefixes?: string[];
  /** Transactional-id prefixes of its transactional producers (ids are `<prefix>-<n>`). */
  transactionalIds?: string[];
  /** The consumer lag KEDA scales it on: one trigger per input topic and its group. */
  lag?: Array<{ topic: string; group: string }>;
  /** Creates topics and reads their configuration (the topics Job). */
  admin?: boolean;
}

export interface Workload {
  /** Kubernetes name (Deployment, Service, ServiceAccount, KafkaUser, Secret prefix). */
  name: string;
  kind: 'Deployment' | 'Job';
  /** `component` of its defineConfig spec: the ConfigMap holds exactly that spec's variables. */
  configSpec: string;
  /** The entry point's argument in the image (bin/aspect-stream <command>). */
  command: string;
  /** Port of /healthz, /readyz and /metrics (Deployments): what probes and Prometheus reach. */
  opsPort?: number;
  /** The port people or upstream systems call, when it serves (exposed by the ingress controller). */
  publicPort?: number;
  /** The spec variables that set those ports; the generator checks they hold the ports above. */
  portVars?: { ops: string; public?: string };
  /** Spec variables read from a file `<VAR>_FILE` in SECRET_DIR instead of the ConfigMap, with the file name. */
  secretFiles: Record<string, string>;
  talksTo: Peer[];
  /** Ports it reaches outside the cluster, on public addresses only (webhook receivers). */
  internetPorts?: number[];
  kafka?: KafkaAccess;
}

const DLQ_RAW = dlqTopic(TOPICS.rawText);
const DLQ_DOCUMENTS = dlqTopic(TOPICS.documents);
/** ALERTS_GROUP_ID's default: the alert service derives its group and transactional ids from it. */
const ALERTS_GROUP = 'alerts';

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'collector',
    kind: 'Deployment',
    configSpec: 'collector-http',
    command: 'collector',
    opsPort: 9390,
    publicPort: 8090,
    portVars: { ops: 'COLLECTOR_HTTP_OPS_PORT', public: 'COLLECTOR_HTTP_PORT' },
    secretFiles: { DATABASE_URL: 'database-url' },
    talksTo: ['kafka', 'registry', 'postgres'],
    kafka: { write: [TOPICS.rawText] },
  },
  {
    name: 'processor',
    kind: 'Deployment',
    configSpec: 'absa-processor',
    command: 'processor',
    opsPort: 9101,
    portVars: { ops: 'ABSA_PORT' },
    secretFiles: {},
    talksTo: ['kafka', 'registry'],
    kafka: {
      read: [TOPICS.rawText],
      write: [TOPICS.documents, TOPICS.aspects, DLQ_RAW],
      groups: ['absa-processor'],
      transactionalIds: ['absa-processor'],
      lag: [{ topic: TOPICS.rawText, group: 'absa-processor' }],
    },
  },
  {
    name: 'sink-postgres',
    kind: 'Deployment',
    configSpec: 'sink-postgres',
    command: 'sink-postgres',
    opsPort: 9301,
    portVars: { ops: 'SINK_POSTGRES_OPS_PORT' },
    secretFiles: { DATABASE_URL: 'database-url' },
    talksTo: ['kafka', 'registry', 'postgres'],
    kafka: {
      read: [TOPICS.documents],
      write: [DLQ_DOCUMENTS],
      groups: ['sink-postgres'],
      lag: [{ topic: TOPICS.documents, group: 'sink-postgres' }],
    },
  },
  {
    name: 'sink-elasticsearch',
    kind: 'Deployment',
    configSpec: 'sink-elasticsearch',
    command: 'sink-elasticsearch',
    opsPort: 9302,
    portVars: { ops: 'SINK_ELASTICSEARCH_OPS_PORT' },
    secretFiles: { ELASTICSEARCH_PASSWORD: 'elasticsearch-password' },
    talksTo: ['kafka', 'registry', 'elasticsearch'],
    kafka: {
      read: [TOPICS.documents],
      write: [DLQ_DOCUMENTS],
      groups: ['sink-elasticsearch'],
      lag: [{ topic: TOPICS.documents, group: 'sink-elasticsearch' }],
    },
  },
  {
    name: 'api',
    kind: 'Deployment',
    configSpec: 'api',
    command: 'api',
    opsPort: 9380,
    publicPort: 8080,
    portVars: { ops: 'API_OPS_PORT', public: 'API_PORT' },
    secretFiles: {
      DATABASE_URL: 'database-url',
      ELASTICSEARCH_PASSWORD: 'elasticsearch-password',
      API_JWT_SECRET: 'api-jwt-secret',
    },
    talksTo: ['postgres', 'elasticsearch'],
  },
  {
    // Three loops in one process: tally (mentions → hourly tallies), detect (tallies → alerts, window
    // state in its compacted changelog), delivery (alerts → PostgreSQL and tenants' webhooks).
    name: 'alerts',
    kind: 'Deployment',
    configSpec: 'alerts',
    command: 'alerts',
    opsPort: 9102,
    portVars: { ops: 'ALERTS_PORT' },
    secretFiles: { DATABASE_URL: 'database-url' },
    talksTo: ['kafka', 'registry', 'postgres'],
    internetPorts: [443],
    kafka: {
      read: [TOPICS.aspects, TOPICS.alertTallies, TOPICS.alerts, TOPICS.alertState],
      write: [
        TOPICS.alertTallies,
        TOPICS.alerts,
        TOPICS.alertState,
        dlqTopic(TOPICS.aspects),
        dlqTopic(TOPICS.alertTallies),
        dlqTopic(TOPICS.alerts),
      ],
      groups: [`${ALERTS_GROUP}-tally`, ALERTS_GROUP, `${ALERTS_GROUP}-delivery`],
      // Each assignment restores its window state through a consumer group of its own.
      groupPrefixes: [`${ALERTS_GROUP}-restore-`],
      transactionalIds: [`${ALERTS_GROUP}-tally`, ALERTS_GROUP],
      // Not delivery's sentiment.alerts.v1: one partition, so one replica delivers whatever the count.
      lag: [
        { topic: TOPICS.aspects, group: `${ALERTS_GROUP}-tally` },
        { topic: TOPICS.alertTallies, group: ALERTS_GROUP },
      ],
    },
  },
  {
    name: 'migrate',
    kind: 'Job',
    configSpec: 'migrate',
    command: 'migrate',
    secretFiles: { DATABASE_URL: 'database-url' },
    talksTo: ['postgres'],
  },
  {
    name: 'topics',
    kind: 'Job',
    configSpec: 'topics',
    command: 'topics',
    secretFiles: {},
    talksTo: ['kafka', 'registry'],
    kafka: { admin: true },
  },
];

/** Names of the stack's own objects (operator custom resources) and the pods the operators label. */
export const STACK = {
  kafkaCluster: 'aspect-stream',
  kafkaBootstrap: 'aspect-stream-kafka-bootstrap',
  elasticsearch: 'aspect-stream',
  postgresCluster: 'aspect-stream-pg',
  registryPostgresCluster: 'aspect-stream-registry-pg',
  registry: 'registry',
} as const;

/** Pods and ports of each peer, as the operators label them. */
export const PEERS: Record<Peer, { podLabels: Record<string, string>; ports: number[] }> = {
  kafka: {
    podLabels: { 'strimzi.io/cluster': STACK.kafkaCluster, 'strimzi.io/kind': 'Kafka' },
    ports: [9092, 9093],
  },
  registry: { podLabels: { 'app.kubernetes.io/name': STACK.registry }, ports: [8080] },
  postgres: { podLabels: { 'cnpg.io/cluster': STACK.postgresCluster }, ports: [5432] },
  elasticsearch: {
    podLabels: { 'elasticsearch.k8s.elastic.co/cluster-name': STACK.elasticsearch },
    ports: [9200],
  },
};

/** Namespaces of what runs outside the application namespace and must reach its pods. */
export const PLATFORM_NAMESPACES = {
  ingress: 'ingress-nginx',
  monitoring: 'monitoring',
  keda: 'keda',
  strimzi: 'strimzi',
  cnpg: 'cnpg-system',
  eck: 'elastic-system',
} as const;

/**
 * Variables a process reads that are not in any config spec: Node's own. NODE_EXTRA_CA_CERTS adds
 * the in-cluster CA (ECK's http certificate) so https to Elasticsearch is verified.
 */
export const PLATFORM_VARS = ['NODE_EXTRA_CA_CERTS'] as const;

/**
 * Configuration in the cluster: values that differ from the specs' local-stack defaults. `base`
 * holds what every environment shares; each environment overrides only what changes (and why, in
 * docs/operations.md's table). Keys are checked against the config spec of the workload.
 */
const KAFKA = `${STACK.kafkaBootstrap}:9092`;
const KAFKA_TLS = `${STACK.kafkaBootstrap}:9093`;
const REGISTRY = `http://${STACK.registry}:8080/apis/ccompat/v7`;
const ES_HTTP = `http://${STACK.elasticsearch}-es-http:9200`;
const ES_HTTPS = `https://${STACK.elasticsearch}-es-http:9200`;
// Mounted by k8s/components/tls (generate.ts caMounts).
const ES_CA = `${CA_DIR}/elasticsearch/ca.crt`;

type Values = Record<string, string>;

const shared = {
  kafka: { KAFKA_BROKERS: KAFKA },
  registry: { SCHEMA_REGISTRY_URL: REGISTRY },
  es: { ELASTICSEARCH_URL: ES_HTTP },
};

export const BASE_VALUES: Record<string, Values> = {
  // CloudNativePG always serves TLS; staging and prod also check its certificate (verify-full).
  collector: { ...shared.kafka, ...shared.registry, PGSSLMODE: 'require', PG_POOL_MAX: '5' },
  processor: { ...shared.kafka, ...shared.registry, ABSA_THREADS: '2' },
  'sink-postgres': {
    ...shared.kafka,
    ...shared.registry,
    // The migrate Job applies migrations before a rollout; the sink does not race it.
    SINK_POSTGRES_MIGRATE: 'false',
    PGSSLMODE: 'require',
    PG_POOL_MAX: '5',
  },
  'sink-elasticsearch': {
    ...shared.kafka,
    ...shared.registry,
    ...shared.es,
    ELASTICSEARCH_USERNAME: 'aspect-stream-sink',
  },
  api: { ...shared.es, ELASTICSEARCH_USERNAME: 'aspect-stream-api', PGSSLMODE: 'require', PG_POOL_MAX: '10' },
  alerts: { ...shared.kafka, ...shared.registry, PGSSLMODE: 'require', PG_POOL_MAX: '5' },
  migrate: { PGSSLMODE: 'require' },
  topics: { ...shared.kafka, ...shared.registry },
};

/**
 * The TLS listener with SCRAM-SHA-512 as the workload's own KafkaUser (staging, prod); the password
 * and the cluster CA are the files components/kafka-auth mounts (generate.ts kafkaClientMounts).
 */
const kafkaTls = (user: string): Values => ({
  KAFKA_BROKERS: KAFKA_TLS,
  KAFKA_SSL: 'true',
  KAFKA_SSL_CA_FILE: `${KAFKA_SECRET_DIR}/ca/ca.crt`,
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: user,
  KAFKA_SASL_PASSWORD_FILE: `${KAFKA_SECRET_DIR}/user/password`,
});

const tlsEverywhere = (
  topicReplicas: string,
  minIsr: string,
  esReplicas: string,
): Record<string, Values> => ({
  collector: { ...kafkaTls('collector'), PGSSLMODE: 'verify-full' },
  processor: kafkaTls('processor'),
  'sink-postgres': { ...kafkaTls('sink-postgres'), PGSSLMODE: 'verify-full' },
  'sink-elasticsearch': {
    ...kafkaTls('sink-elasticsearch'),
    ELASTICSEARCH_URL: ES_HTTPS,
    ELASTICSEARCH_NUMBER_OF_REPLICAS: esReplicas,
    NODE_EXTRA_CA_CERTS: ES_CA,
  },
  api: {
    PGSSLMODE: 'verify-full',
    ELASTICSEARCH_URL: ES_HTTPS,
    ELASTICSEARCH_NUMBER_OF_REPLICAS: esReplicas,
    NODE_EXTRA_CA_CERTS: ES_CA,
    // One hop: the ingress controller; rate limits then count the caller, not the controller.
    API_TRUST_PROXY: '1',
  },
  alerts: { ...kafkaTls('alerts'), PGSSLMODE: 'verify-full' },
  migrate: { PGSSLMODE: 'verify-full' },
  topics: {
    ...kafkaTls('topics'),
    TOPIC_REPLICATION_FACTOR: topicReplicas,
    TOPIC_MIN_INSYNC_REPLICAS: minIsr,
  },
});

export const ENVIRONMENT_VALUES: Record<Environment, Record<string, Values>> = {
  dev: {
    // One broker, one Elasticsearch node, plain listeners: what a laptop cluster holds.
    collector: { COLLECTOR_HTTP_RATE_LIMIT_RPS: '0', LOG_LEVEL: 'debug' },
    processor: { LOG_LEVEL: 'debug' },
    'sink-postgres': { SINK_POSTGRES_RETENTION_MONTHS: '3', LOG_LEVEL: 'debug' },
    'sink-elasticsearch': { ELASTICSEARCH_NUMBER_OF_REPLICAS: '0', LOG_LEVEL: 'debug' },
    api: { API_RATE_LIMIT_KEY_PER_MIN: '0', LOG_LEVEL: 'debug' },
    alerts: { LOG_LEVEL: 'debug' },
    migrate: {},
    topics: { TOPIC_REPLICATION_FACTOR: '1', TOPIC_MIN_INSYNC_REPLICAS: '1' },
  },
  staging: {
    ...tlsEverywhere('3', '2', '1'),
    'sink-postgres': {
      ...tlsEverywhere('3', '2', '1')['sink-postgres'],
      SINK_POSTGRES_RETENTION_MONTHS: '6',
    },
  },
  prod: {
    ...tlsEverywhere('3', '2', '1'),
    'sink-elasticsearch': {
      ...tlsEverywhere('3', '2', '1')['sink-elasticsearch'],
      // Bulk indexing is the sink's bottleneck (docs/benchmarks.md); searches may lag 5 s behind.
      ELASTICSEARCH_REFRESH_INTERVAL: '5s',
    },
  },
};

/** Replica bounds per environment: KEDA (processor, sinks) or HPA (collector, API) min..max. */
export const REPLICAS: Record<Environment, Record<string, { min: number; max: number }>> = {
  dev: {
    collector: { min: 1, max: 2 },
    processor: { min: 1, max: 2 },
    'sink-postgres': { min: 1, max: 2 },
    'sink-elasticsearch': { min: 1, max: 2 },
    api: { min: 1, max: 2 },
    alerts: { min: 1, max: 2 },
  },
  staging: {
    collector: { min: 2, max: 4 },
    processor: { min: 1, max: 6 },
    'sink-postgres': { min: 1, max: 6 },
    'sink-elasticsearch': { min: 1, max: 6 },
    api: { min: 2, max: 4 },
    alerts: { min: 1, max: 3 },
  },
  prod: {
    collector: { min: 3, max: 10 },
    processor: { min: 2, max: 6 },
    'sink-postgres': { min: 2, max: 6 },
    'sink-elasticsearch': { min: 2, max: 6 },
    api: { min: 3, max: 10 },
    alerts: { min: 2, max: 6 },
  },
};

/**
 * Requests and limits. Memory from docs/benchmarks.md ("Resident memory of each service"): the
 * request is about the steady-state RSS plus a quarter, the limit about twice the peak of the
 * 20,000-document run; CPU from what the benchmarks kept busy (the processor: its 2 model threads).
 */
export const RESOURCES: Record<string, { cpu: [string, string]; memory: [string, string] }> = {
  collector: { cpu: ['250m', '1'], memory: ['192Mi', '384Mi'] }, // 148 MB steady, 174 peak
  processor: { cpu: ['1', '2'], memory: ['768Mi', '1Gi'] }, // English + Korean models: 668 MB peak (560 English only)
  'sink-postgres': { cpu: ['250m', '1'], memory: ['224Mi', '512Mi'] }, // 175 steady, 236 peak
  'sink-elasticsearch': { cpu: ['250m', '1'], memory: ['208Mi', '640Mi'] }, // 165 steady, 296 peak
  api: { cpu: ['250m', '1'], memory: ['192Mi', '384Mi'] }, // 148 steady, 151 peak
  // Not in that table yet: sized like the sinks, plus room for the window state of its partitions.
  alerts: { cpu: ['250m', '1'], memory: ['256Mi', '640Mi'] },
  migrate: { cpu: ['100m', '500m'], memory: ['128Mi', '256Mi'] },
  topics: { cpu: ['100m', '500m'], memory: ['128Mi', '256Mi'] },
};

/** The uid the image runs as (bin/aspect-stream in the image; not root). */
export const RUN_AS_USER = 10001;
