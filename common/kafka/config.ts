import { z } from 'zod';
import { v, type VarSpec } from '../config/index';

export const SASL_MECHANISMS = ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

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
  kafkaSsl: {
    env: 'KAFKA_SSL',
    schema: v.bool(),
    default: 'false',
    doc: 'Connect to the brokers over TLS, checking their certificate against KAFKA_SSL_CA_FILE (or the system CAs).',
  } satisfies VarSpec,
  kafkaSslCaFile: {
    env: 'KAFKA_SSL_CA_FILE',
    schema: z.string().trim(),
    default: '',
    doc: "PEM file of the CA that signed the brokers' certificates (e.g. Strimzi's cluster CA), read at start-up; empty: the system CAs. Used only when KAFKA_SSL is true.",
  } satisfies VarSpec,
  kafkaSaslMechanism: {
    env: 'KAFKA_SASL_MECHANISM',
    schema: v.oneOf(SASL_MECHANISMS),
    default: 'none',
    doc: 'SASL authentication to the brokers: none, plain, scram-sha-256 or scram-sha-512 (then KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required).',
  } satisfies VarSpec,
  kafkaSaslUsername: {
    env: 'KAFKA_SASL_USERNAME',
    schema: z.string().trim(),
    default: '',
    doc: 'SASL user name (with Strimzi: the KafkaUser name).',
  } satisfies VarSpec,
  kafkaSaslPassword: {
    env: 'KAFKA_SASL_PASSWORD',
    // Not trimmed: a password is used exactly as given (a _FILE value loses one trailing newline).
    schema: z.string(),
    default: '',
    doc: 'SASL password; in a cluster mount it and set KAFKA_SASL_PASSWORD_FILE instead.',
    secret: true,
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
  kafkaSsl: boolean;
  /** '' for none. */
  kafkaSslCaFile: string;
  kafkaSaslMechanism: SaslMechanism;
  kafkaSaslUsername: string;
  kafkaSaslPassword: string;
}
