/**
 * kafkajs clients built from config: one Kafka client per process, kafkajs logs bridged into the
 * process's winston logger, and the idempotent producer every collector and processor uses
 * (acks=all, idempotent, at most 5 requests in flight so ordering per partition holds).
 */
import {
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type Producer,
  type LogEntry,
  type ProducerConfig,
} from 'kafkajs';
import type { Logger } from '../logging/index';
import type { KafkaSettings } from './config';

export function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry): void => {
      const { message, timestamp: _t, logger: _l, ...extra } = log;
      // We bound idempotent-producer retries on purpose (callers answer 503 / retry the batch and
      // event ids make duplicates harmless); kafkajs warns about it on every producer.
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      const winstonLevel =
        level === KafkaLogLevel.ERROR
          ? 'error'
          : level === KafkaLogLevel.WARN
            ? 'warn'
            : level === KafkaLogLevel.INFO
              ? 'info'
              : 'debug';
      logger.log(winstonLevel, message, { log: { logger: 'kafkajs' }, kafka: extra });
    };
}

export function createKafka(clientId: string, settings: KafkaSettings, logger: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers: settings.kafkaBrokers,
    connectionTimeout: settings.kafkaConnectionTimeoutMs,
    requestTimeout: settings.kafkaRequestTimeoutMs,
    // Connection-level retries stay short: callers decide how long to wait (e.g. a 503 for HTTP).
    retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 3 },
    logLevel: KafkaLogLevel.INFO,
    logCreator: kafkaLogCreator(logger),
  });
}

export interface IdempotentProducerOptions {
  /** 1..5; the broker keeps per-partition order for idempotent producers with up to 5 in flight. */
  maxInFlightRequests?: number;
  /** Set for a transactional producer (the ABSA processor). */
  transactionalId?: string;
  retry?: ProducerConfig['retry'];
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
    retry: options.retry,
  });
}
