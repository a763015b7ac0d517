/**
 * Publishes raw documents to text.raw.v1: Avro-encoded with the registered schema (Confluent wire
 * format), key = event_id, idempotent producer, acks=all. `publish` resolves only when Kafka has
 * acknowledged every record; on any failure or when the deadline passes it rejects with
 * KafkaUnavailableError and the caller must treat the whole batch as not accepted (a resend is safe:
 * the same documents get the same keys and ids).
 */
import type { Kafka, Producer, RecordMetadata } from 'kafkajs';
import { FatalError, RETRY_POLICIES, RetriableError, errorMessage } from '../common/errors/index';
import { createIdempotentProducer } from '../common/kafka/client';
import { valueSubject, type RegistryClient } from '../common/kafka/registry';
import type { Logger } from '../common/logging/index';
import { schemas, type RawDocument } from '../schemas/index';
import { TOPICS } from '../schemas/topics';
import { RECORD_OVERHEAD_BYTES, splitBySize, topicMessageLimit } from '../common/kafka/record-size';

export class KafkaUnavailableError extends RetriableError {}
export class SchemaUnavailableError extends RetriableError {}
/** One document's record is larger than the topic accepts (max.message.bytes); nothing was sent. */
export class DocumentTooLargeError extends FatalError {
  constructor(
    readonly index: number,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`document ${index} is ${bytes} bytes as a Kafka record, over the topic's limit of ${limit}`, {
      code: 'document_too_large',
    });
  }
}

export interface PublisherOptions {
  /** Longest a publish may take, connecting included, before it is reported failed. */
  timeoutMs: number;
  topic?: string;
  /** Largest record batch sent in one produce call; defaults to the topic's max.message.bytes. */
  maxBatchBytes?: number;
}

export class RawDocumentPublisher {
  private readonly producer: Producer;
  private connected = false;
  private connecting?: Promise<void>;
  private schemaId?: number;
  readonly topic: string;

  constructor(
    kafka: Kafka,
    private readonly registry: RegistryClient,
    private readonly logger: Logger,
    private readonly options: PublisherOptions,
  ) {
    this.topic = options.topic ?? TOPICS.rawText;
    this.producer = createIdempotentProducer(kafka, {
      maxInFlightRequests: 5,
      retry: RETRY_POLICIES.kafkaPublish,
    });
    this.producer.on(this.producer.events.CONNECT, () => {
      this.connected = true;
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Registers (or finds) the text.raw.v1 value schema; idempotent. */
  async ensureSchema(): Promise<number> {
    if (this.schemaId === undefined) {
      try {
        const id = await this.registry.registerSchema(valueSubject(this.topic), schemas.rawDocument);
        // Warm the encoder's cache so publishing never waits on the registry.
        await this.registry.serde.getSchema(id);
        this.schemaId = id;
      } catch (err) {
        throw new SchemaUnavailableError(`cannot register the ${this.topic} schema: ${errorMessage(err)}`, {
          cause: err,
        });
      }
    }
    return this.schemaId;
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    this.connecting ??= this.producer
      .connect()
      .then(() => {
        this.connected = true;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    await this.connecting;
  }

  async publish(docs: RawDocument[], headers: Record<string, string> = {}): Promise<RecordMetadata[]> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new KafkaUnavailableError(`Kafka did not acknowledge within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
    });
    try {
      return await Promise.race([this.publishNow(docs, headers), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async publishNow(docs: RawDocument[], headers: Record<string, string>): Promise<RecordMetadata[]> {
    const schemaId = await this.ensureSchema();
    const limit = this.options.maxBatchBytes ?? topicMessageLimit(this.topic);
    const messages = await Promise.all(
      docs.map(async (doc) => {
        const message = {
          key: doc.event_id,
          value: await this.registry.encode(schemaId, doc),
          timestamp: String(doc.ingested_at),
          headers: { ...headers, tenant: doc.tenant, source: doc.source },
        };
        const size =
          RECORD_OVERHEAD_BYTES +
          Buffer.byteLength(message.key) +
          message.value.length +
          Object.entries(message.headers).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
        return { message, size };
      }),
    );
    const tooLarge = messages.findIndex((m) => m.size > limit);
    if (tooLarge >= 0) throw new DocumentTooLargeError(tooLarge, messages[tooLarge]!.size, limit);
    try {
      await this.connect();
      const acks: RecordMetadata[] = [];
      // One call after the other: a request is accepted only when all of its calls are.
      for (const call of splitBySize(messages, limit)) {
        acks.push(
          ...(await this.producer.send({
            topic: this.topic,
            acks: -1,
            messages: call.map((m) => m.message),
          })),
        );
      }
      return acks;
    } catch (err) {
      throw new KafkaUnavailableError(`Kafka did not acknowledge the batch: ${errorMessage(err)}`, {
        cause: err,
        kafka: { topic: this.topic },
      });
    }
  }

  async close(): Promise<void> {
    try {
      await this.producer.disconnect();
    } catch (err) {
      this.logger.warn('Kafka producer did not disconnect cleanly', { err });
    }
  }
}
