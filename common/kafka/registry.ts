/**
 * Schema registry access through the Confluent REST API (Apicurio serves it at /apis/ccompat/v7).
 *
 * Subjects follow TopicNameStrategy (`<topic>-value`) and are kept at BACKWARD compatibility:
 * `registerSchema` is idempotent (the same schema gets the same id back) and refuses an incompatible
 * schema with the registry's own explanation. Encoding and decoding use the Confluent wire format
 * (magic byte 0, 4-byte schema id, Avro body) through @kafkajs/confluent-schema-registry, so any
 * Confluent-compatible consumer can read our topics.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import {
  DependencyUnavailableError,
  FatalError,
  RETRY_POLICIES,
  symmetricJitterFactor,
  type RetryPolicy,
} from '../errors/index';

export const SCHEMA_REGISTRY = 'schema-registry';

export type Compatibility = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FULL' | 'NONE';

export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

export class SchemaIncompatibleError extends FatalError {}
/** The registry has no schema with the id a message names: the message cannot be read, ever. */
export class UnknownSchemaError extends FatalError {}

/** A named retry policy in the terms of the registry client's HTTP layer (mappersmith). */
export function registryRetry(policy: RetryPolicy & { retries: number }): {
  initialRetryTimeInSecs: number;
  maxRetryTimeInSecs: number;
  multiplier: number;
  factor: number;
  retries: number;
} {
  return {
    initialRetryTimeInSecs: policy.initialMs / 1000,
    maxRetryTimeInSecs: policy.maxMs / 1000,
    multiplier: policy.multiplier,
    factor: symmetricJitterFactor(policy),
    retries: policy.retries,
  };
}

export class RegistryClient {
  readonly url: string;
  /** Encode/decode with caching by schema id. */
  readonly serde: SchemaRegistry;

  constructor(url: string) {
    this.url = url.replace(/\/+$/, '');
    this.serde = new SchemaRegistry(
      { host: this.url, clientId: 'aspect-stream', retry: registryRetry(RETRY_POLICIES.registryRequest) },
      { [SchemaType.AVRO]: {} },
    );
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json', Accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new DependencyUnavailableError(
        SCHEMA_REGISTRY,
        `schema registry at ${this.url} unreachable: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text
    }
    // Statuses no request of ours can cause: the registry (or our access to it) is in trouble.
    if (res.status >= 500 || [401, 403, 408, 429].includes(res.status)) {
      throw new DependencyUnavailableError(
        SCHEMA_REGISTRY,
        `schema registry ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`,
        { code: `http_${res.status}` },
      );
    }
    return { status: res.status, json };
  }

  /** Sets the subject's compatibility level (idempotent). */
  async setCompatibility(subject: string, level: Compatibility = 'BACKWARD'): Promise<void> {
    const put = () => this.call('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
    let { status, json } = await put();
    // Apicurio answers 409 when a concurrent caller created the subject's rule first; the rule
    // exists now, so a second PUT updates it (and is a no-op when it already holds this level).
    if (status === 409) ({ status, json } = await put());
    if (status >= 300)
      throw new FatalError(`cannot set ${level} on subject ${subject}: ${status} ${JSON.stringify(json)}`);
  }

  async getCompatibility(subject: string): Promise<string | undefined> {
    const { status, json } = await this.call('GET', `/config/${encodeURIComponent(subject)}`);
    if (status === 404) return undefined;
    const body = json as { compatibilityLevel?: string; compatibility?: string };
    return body?.compatibilityLevel ?? body?.compatibility;
  }

  /** Would `schema` be accepted as the next version of `subject`? (true for a subject with no versions) */
  async isCompatible(subject: string, schema: object): Promise<{ compatible: boolean; messages: string[] }> {
    const { status, json } = await this.call(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`,
      { schema: JSON.stringify(schema), schemaType: 'AVRO' },
    );
    if (status === 404) return { compatible: true, messages: [] };
    const body = json as { is_compatible?: boolean; messages?: string[] };
    if (status >= 300)
      throw new FatalError(`compatibility check for ${subject} failed: ${status} ${JSON.stringify(json)}`);
    return { compatible: body.is_compatible === true, messages: body.messages ?? [] };
  }

  /**
   * Registers `schema` under `subject` and makes sure the subject is BACKWARD compatible. Returns the
   * schema id (the same id for the same schema, every time). Throws SchemaIncompatibleError when the
   * registry refuses the schema under the subject's compatibility rule.
   */
  async registerSchema(subject: string, schema: object, level: Compatibility = 'BACKWARD'): Promise<number> {
    const existing = await this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions`);
    const isNew = existing.status === 404;
    if (!isNew) await this.setCompatibility(subject, level);
    const { status, json } = await this.call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema: JSON.stringify(schema),
      schemaType: 'AVRO',
    });
    if (status === 409) {
      const message = (json as { message?: string })?.message ?? JSON.stringify(json);
      throw new SchemaIncompatibleError(`schema refused for subject ${subject} (${level}): ${message}`, {
        code: 'schema_incompatible',
      });
    }
    if (status >= 300) {
      throw new FatalError(`registering a schema under ${subject} failed: ${status} ${JSON.stringify(json)}`);
    }
    // A first version needs no check; the rule is set right after so every later version is checked.
    if (isNew) await this.setCompatibility(subject, level);
    const id = (json as { id?: number }).id;
    if (typeof id !== 'number')
      throw new FatalError(`registry returned no schema id for ${subject}: ${JSON.stringify(json)}`);
    return id;
  }

  async encode(schemaId: number, payload: object): Promise<Buffer> {
    return this.serde.encode(schemaId, payload);
  }

  /** Decodes a Confluent wire-format buffer with the writer schema fetched (and cached) by id. */
  async decode<T = unknown>(buffer: Buffer): Promise<T> {
    return (await this.serde.decode(buffer)) as T;
  }

  /**
   * The writer schema registered under `id`, parsed into an Avro type. Throws UnknownSchemaError
   * when the registry answers that it has no such id (the message is at fault), and
   * DependencyUnavailableError when it cannot answer (the registry is at fault).
   */
  async schemaById(id: number): Promise<avro.Type> {
    const { status, json } = await this.call('GET', `/schemas/ids/${id}`);
    if (status === 404) {
      throw new UnknownSchemaError(`schema id ${id} is not in the registry`, { code: 'unknown_schema_id' });
    }
    const schema = (json as { schema?: unknown } | undefined)?.schema;
    if (status >= 300 || typeof schema !== 'string') {
      throw new FatalError(`schema registry answered ${status} for schema id ${id}: ${JSON.stringify(json)}`);
    }
    return avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
  }

  /** Readiness probe. */
  async ping(): Promise<void> {
    const { status } = await this.call('GET', '/subjects');
    if (status >= 300) throw new Error(`schema registry answered ${status}`);
  }
}
