/**
 * kafkajs clients built from config: one Kafka client per process (TLS and SASL as configured),
 * kafkajs logs bridged into the process's winston logger, and the idempotent producer every
 * collector and processor uses (acks=all, idempotent, at most 5 requests in flight so ordering per
 * partition holds).
 */
import { readFileSync } from 'node:fs';
import {
  Kafka,
  type KafkaConfig,
  type SASLOptions,
  logLevel as KafkaLogLevel,
  Partitioners,
  type Producer,
  type LogEntry,
  type RetryOptions,
} from 'kafkajs';
import { ConfigError } from '../config/index';
import { RETRY_POLICIES, symmetricJitterFactor, type RetryPolicy } from '../errors/index';
import type { Logger } from '../logging/index';
import type { KafkaSettings } from './config';

/**
 * kafkajs's text for the broker's CONCURRENT_TRANSACTIONS answer. A transactional producer that
 * begins its next transaction right after a commit gets it while the coordinator still writes the
 * previous one's markers, and retries; kafkajs logs each such answer as an error.
 */
const CONCURRENT_TRANSACTIONS =
  'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';

export function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry): void => {
      const { message, timestamp: _t, logger: _l, ...extra } = log;
      // We bound idempotent-producer retries on purpose (callers answer 503 / retry the batch and
      // event ids make duplicates harmless); kafkajs warns about it on every producer.
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      // Expected after every commit and retried: an error only if the retries run out, and then the
      // commit fails and its caller logs that.
      const expectedRetry =
        extra.error === CONCURRENT_TRANSACTIONS || message.endsWith(CONCURRENT_TRANSACTIONS);
      const winstonLevel =
        level === KafkaLogLevel.ERROR && !expectedRetry
          ? 'error'
          : level === KafkaLogLevel.WARN
            ? 'warn'
            : level === KafkaLogLevel.INFO
              ? 'info'
              : 'debug';
      logger.log(winstonLevel, message, { log: { logger: 'kafkajs' }, kafka: extra });
    };
}

/**
 * The kafkajs `ssl` and `sasl` options of the settings, with the CA file read now. A mechanism
 * without its credentials, or a CA file that cannot be used, is a ConfigError naming the variable:
 * the process stops at start-up instead of failing every connection later.
 */
export function kafkaSecurityOptions(
  settings: KafkaSettings,
  component = 'kafka client',
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const problems: string[] = [];
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (settings.kafkaSsl) {
    out.ssl = settings.kafkaSslCaFile ? { ca: readCa(settings.kafkaSslCaFile, problems) } : true;
  }
  const mechanism = settings.kafkaSaslMechanism;
  if (mechanism !== 'none') {
    const { kafkaSaslUsername: username, kafkaSaslPassword: password } = settings;
    const why = `when KAFKA_SASL_MECHANISM is ${mechanism}`;
    if (!username) problems.push(`KAFKA_SASL_USERNAME is required ${why}`);
    if (!password) problems.push(`KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) is required ${why}`);
    // One object for the three mechanisms; kafkajs types them as a union by mechanism.
    out.sasl = { mechanism, username, password } as SASLOptions;
  }
  if (problems.length > 0) throw new ConfigError(component, problems);
  return out;
}

function readCa(file: string, problems: string[]): string {
  let pem: string;
  try {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator names the file (KAFKA_SSL_CA_FILE); no request reaches this
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(
      `KAFKA_SSL_CA_FILE: cannot read ${JSON.stringify(file)} (${(err as { code?: string }).code ?? 'unreadable'})`,
    );
    return '';
  }
  // A wrong path (a key, an empty file) would otherwise surface as a handshake error per broker.
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push(`KAFKA_SSL_CA_FILE: ${JSON.stringify(file)} holds no PEM certificate`);
  }
  return pem;
}

export function createKafka(clientId: string, settings: KafkaSettings, logger: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers: settings.kafkaBrokers,
    ...kafkaSecurityOptions(settings, clientId),
    connectionTimeout: settings.kafkaConnectionTimeoutMs,
    requestTimeout: settings.kafkaRequestTimeoutMs,
    retry: kafkajsRetry(RETRY_POLICIES.kafkaClient),
    logLevel: KafkaLogLevel.INFO,
    logCreator: kafkaLogCreator(logger),
  });
}

export interface IdempotentProducerOptions {
  /** 1..5; the broker keeps per-partition order for idempotent producers with up to 5 in flight. */
  maxInFlightRequests?: number;
  /** Set for a transactional producer (the ABSA processor). */
  transactionalId?: string;
  /** How sends and transaction calls retry; kafkajs defaults when absent. */
  retry?: BoundedRetryPolicy;
}

/** A policy that gives up on its own, as kafkajs needs. */
export type BoundedRetryPolicy = RetryPolicy & { retries: number };

/** A named retry policy in kafkajs terms. */
export function kafkajsRetry(policy: BoundedRetryPolicy): RetryOptions {
  return {
    initialRetryTime: policy.initialMs,
    maxRetryTime: policy.maxMs,
    multiplier: policy.multiplier,
    factor: symmetricJitterFactor(policy),
    retries: policy.retries,
  };
}

/** acks=all is passed per send (`acks: -1`); see `sendAcked`. */
export function createIdempotentProducer(kafka: Kafka, options: IdempotentProducerOptions = {}): Producer {
  const maxInFlightRequests = options.maxInFlightRequests ?? 5;
  if (maxInFlightRequests < 1 || maxInFlightRequests > 5) {
    throw new RangeError(
      `maxInFlightRequests must be 1..5 for an idempotent producer, got ${maxInFlightRequests}`,
    );
  }
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests,
    transactionalId: options.transactionalId,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: options.retry && kafkajsRetry(options.retry),
  });
}
