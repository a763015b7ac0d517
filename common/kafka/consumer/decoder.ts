/**
 * Decodes Confluent wire-format values (magic byte 0, 4-byte schema id, Avro body) with the writer
 * schema fetched from the registry once per id. What the message is at fault for is poison (an
 * UndecodableError or UnknownSchemaError, to be dead-lettered); a registry that cannot answer throws
 * DependencyUnavailableError, so the consumer waits instead.
 */
import type avro from 'avsc';
import type { KafkaMessage } from 'kafkajs';
import { FatalError, errorMessage } from '../../errors/index';
import type { RegistryClient } from '../registry';

/** The value is not an event we can read: no value, not the wire format, or bytes Avro rejects. */
export class UndecodableError extends FatalError {}

export class MessageDecoder {
  /** One fetch and compile per schema id, shared by every message waiting for it. */
  private readonly types = new Map<number, Promise<avro.Type>>();

  constructor(private readonly registry: RegistryClient) {}

  async decode<T>(message: Pick<KafkaMessage, 'value'>): Promise<T> {
    const value = message.value;
    if (!value || value.length === 0) {
      throw new UndecodableError('message has no value', { code: 'undecodable' });
    }
    if (value.length < 5 || value[0] !== 0) {
      throw new UndecodableError(
        'value is not in the schema registry wire format (magic byte 0 + schema id)',
        {
          code: 'undecodable',
        },
      );
    }
    const type = await this.typeFor(value.readInt32BE(1));
    try {
      return type.fromBuffer(value.subarray(5)) as T;
    } catch (err) {
      throw new UndecodableError(`value cannot be decoded as Avro: ${errorMessage(err)}`, {
        cause: err,
        code: 'undecodable',
      });
    }
  }

  private typeFor(id: number): Promise<avro.Type> {
    let type = this.types.get(id);
    if (!type) {
      type = this.registry.schemaById(id);
      // A failure is not kept: the next message asks again.
      type.catch(() => this.types.delete(id));
      this.types.set(id, type);
    }
    return type;
  }
}
