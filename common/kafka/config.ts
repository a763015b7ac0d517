import { v, type VarSpec } from '../config/index';

/** Kafka variables every Kafka client shares; spread into a component spec. */
export const kafkaVars = {
  kafkaBrokers: {
    env: 'KAFKA_BROKERS',
    schema: v.hostPorts(),
    default: '127.0.0.1:9092',
    doc: 'Comma-separated Kafka bootstrap brokers (host:port).',
  } satisfies VarSpec,
  kafkaConnectionTimeoutMs: {
    env: 'KAFKA_CONNECTION_TIMEOUT_MS',
    schema: v.int(100, 120_000),
    default: '3000',
    doc: 'How long a Kafka client waits for a broker connection before treating it as unreachable.',
  } satisfies VarSpec,
  kafkaRequestTimeoutMs: {
    env: 'KAFKA_REQUEST_TIMEOUT_MS',
    schema: v.int(1000, 300_000),
    default: '30000',
    doc: 'How long a Kafka client waits for a broker to answer one request.',
  } satisfies VarSpec,
};

export const registryVars = {
  schemaRegistryUrl: {
    env: 'SCHEMA_REGISTRY_URL',
    schema: v.url(['http', 'https']),
    default: 'http://127.0.0.1:8081/apis/ccompat/v7',
    doc: 'Confluent-compatible schema registry base URL (Apicurio: its /apis/ccompat/v7 API).',
  } satisfies VarSpec,
};

export interface KafkaSettings {
  kafkaBrokers: string[];
  kafkaConnectionTimeoutMs: number;
  kafkaRequestTimeoutMs: number;
}
