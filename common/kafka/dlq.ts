/**
 * The dead-letter step: wraps a message that cannot be processed in a DeadLetter envelope (original
 * key, value and headers untouched, source coordinates, error class and message) and publishes it on
 * `<source topic>.dlq` with the original key. `send` takes anything with kafkajs's `send` (a producer
 * or a transaction), so a transactional processor writes the envelope in the same transaction as its
 * offsets.
 */
import type { IHeaders, KafkaMessage, RecordMetadata, ProducerRecord } from 'kafkajs';
import { classifyError, errorMessage, AspectStreamError } from '../errors/index';
import type { DeadLetter } from '../../schemas/index';
import { dlqTopic } from '../../schemas/topics';
import { valueSubject, type RegistryClient } from './registry';
import { schemas } from '../../schemas/index';

export interface Sender {
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
}

export interface FailedMessage {
  topic: string;
  partition: number;
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset' | 'timestamp'>;
}

function headerList(headers: IHeaders | undefined): DeadLetter['headers'] {
  const out: DeadLetter['headers'] = [];
  for (const [key, value] of Object.entries(headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const x of values)
      out.push({ key, value: x === undefined ? null : Buffer.isBuffer(x) ? x : Buffer.from(String(x)) });
  }
  return out;
}

/** The inverse of the envelope's header list: Kafka headers again, a repeated name as an array. */
export function headersFromList(list: DeadLetter['headers']): IHeaders {
  const byName = new Map<string, Buffer[]>();
  for (const h of list) {
    const values = byName.get(h.key) ?? [];
    values.push(h.value ?? Buffer.alloc(0));
    byName.set(h.key, values);
  }
  return Object.fromEntries([...byName].map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
}

export function deadLetterEnvelope(
  failed: FailedMessage,
  error: unknown,
  processor: { name: string; version?: string },
  attempts = 1,
  now = Date.now(),
): DeadLetter {
  const { errorClass, retriable } = classifyError(error);
  const timestamp = Number(failed.message.timestamp);
  return {
    key: failed.message.key ?? null,
    value: failed.message.value ?? null,
    headers: headerList(failed.message.headers),
    source_topic: failed.topic,
    source_partition: failed.partition,
    source_offset: Number(failed.message.offset),
    source_timestamp: Number.isFinite(timestamp) ? timestamp : null,
    error_class: errorClass,
    error_message: errorMessage(error).slice(0, 10_000),
    error_code: error instanceof AspectStreamError && error.code ? error.code : null,
    retriable,
    attempts,
    failed_at: now,
    processor: processor.name,
    processor_version: processor.version ?? null,
  };
}

export class DeadLetterWriter {
  /** One registration per DLQ subject, shared by concurrent dead letters; a failure is not kept. */
  private schemaIds = new Map<string, Promise<number>>();

  constructor(
    private readonly registry: RegistryClient,
    private readonly processor: { name: string; version?: string },
  ) {}

  private schemaId(topic: string): Promise<number> {
    let id = this.schemaIds.get(topic);
    if (id === undefined) {
      id = this.registry.registerSchema(valueSubject(topic), schemas.deadLetter);
      id.catch(() => this.schemaIds.delete(topic));
      this.schemaIds.set(topic, id);
    }
    return id;
  }

  /** Builds the record for `<topic>.dlq` without sending it (for batching into a transaction). */
  async record(failed: FailedMessage, error: unknown, attempts = 1): Promise<ProducerRecord> {
    const topic = dlqTopic(failed.topic);
    const envelope = deadLetterEnvelope(failed, error, this.processor, attempts);
    const value = await this.registry.encode(await this.schemaId(topic), envelope);
    return {
      topic,
      acks: -1,
      messages: [
        {
          key: failed.message.key ?? null,
          value,
          headers: { 'x-dlq-error-class': envelope.error_class, 'x-dlq-processor': envelope.processor },
        },
      ],
    };
  }

  async send(sender: Sender, failed: FailedMessage, error: unknown, attempts = 1): Promise<RecordMetadata[]> {
    return sender.send(await this.record(failed, error, attempts));
  }
}
