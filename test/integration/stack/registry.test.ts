import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

const SCHEMA_REGISTRY_URL = (
  process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7'
).replace(/\/+$/, '');

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** A call to the Confluent REST API of the registry; answers the status and the parsed body. */
async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${SCHEMA_REGISTRY_URL}${path}`, {
    method,
    headers: { 'Content-Type': CONTENT_TYPE, Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const reviewV1 = {
  type: 'record',
  name: 'Review',
  namespace: 'aspectstream.stacktest',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'text', type: 'string' },
  ],
};
// Adds a field with a default: a reader on v2 can read v1 data (BACKWARD compatible).
const reviewV2 = {
  ...reviewV1,
  fields: [...reviewV1.fields, { name: 'language', type: 'string', default: 'und' }],
};
// Adds a field without a default: a reader on it cannot read v1 data (not BACKWARD compatible).
const reviewIncompatible = {
  ...reviewV1,
  fields: [...reviewV1.fields, { name: 'rating', type: 'int' }],
};

describe('Schema registry, Confluent-compatible API (local stack)', function () {
  this.timeout(60_000);

  const registry = new SchemaRegistry({ host: SCHEMA_REGISTRY_URL, clientId: 'stack-test' });
  const subject = `stack-test.reviews.${randomUUID().slice(0, 8)}-value`;
  const avro = (schema: object): { type: SchemaType.AVRO; schema: string } => ({
    type: SchemaType.AVRO,
    schema: JSON.stringify(schema),
  });

  after(async () => {
    // Soft delete, then permanent delete, as on a Confluent registry.
    await call('DELETE', `/subjects/${encodeURIComponent(subject)}`);
    await call('DELETE', `/subjects/${encodeURIComponent(subject)}?permanent=true`);
  });

  it('registers an Avro schema and gives the same id when it is registered again', async () => {
    const first = await registry.register(avro(reviewV1), { subject });
    const again = await registry.register(avro(reviewV1), { subject });
    expect(first.id).to.be.a('number').and.to.be.greaterThan(0);
    expect(again.id).to.equal(first.id);
    expect(await registry.getLatestSchemaId(subject)).to.equal(first.id);
  });

  it('round-trips a record through the Confluent wire format with the registered schema', async () => {
    const { id } = await registry.register(avro(reviewV1), { subject });
    const record = { id: 'r-1', text: 'The battery life is great' };
    const encoded = await registry.encode(id, record);
    // Magic byte 0, then the schema id as a 4-byte big-endian integer, then the Avro body.
    expect(encoded[0]).to.equal(0);
    expect(encoded.readInt32BE(1)).to.equal(id);
    // A fresh client knows nothing yet: it has to fetch the schema by the id in the message.
    const reader = new SchemaRegistry({ host: SCHEMA_REGISTRY_URL, clientId: 'stack-test-reader' });
    // avsc decodes into an instance of a generated Review class; compare the fields.
    expect({ ...(await reader.decode(encoded)) }).to.deep.equal(record);
  });

  it('keeps the BACKWARD compatibility set on the subject', async () => {
    const put = await call('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: 'BACKWARD' });
    expect(put.status).to.equal(200);
    const { json } = await call('GET', `/config/${encodeURIComponent(subject)}`);
    expect((json as { compatibilityLevel?: string }).compatibilityLevel).to.equal('BACKWARD');
  });

  it('accepts a compatible new version and decodes old records with it', async () => {
    const v1 = await registry.register(avro(reviewV1), { subject });
    const v2 = await registry.register(avro(reviewV2), { subject });
    expect(v2.id).to.not.equal(v1.id);
    const oldRecord = await registry.encode(v1.id, { id: 'r-2', text: 'Service was slow' });
    expect({ ...(await registry.decode(oldRecord)) }).to.deep.equal({ id: 'r-2', text: 'Service was slow' });
    const { json: versions } = await call('GET', `/subjects/${encodeURIComponent(subject)}/versions`);
    expect(versions).to.have.length(2);
  });

  it('rejects an incompatible schema with HTTP 409 and leaves the subject as it was', async () => {
    const check = await call(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`,
      {
        schema: JSON.stringify(reviewIncompatible),
      },
    );
    expect(check.status).to.equal(200);
    expect((check.json as { is_compatible?: boolean }).is_compatible).to.equal(false);

    let error: unknown;
    try {
      await registry.register(avro(reviewIncompatible), { subject });
    } catch (err) {
      error = err;
    }
    expect(error, 'registering an incompatible schema must fail').to.be.instanceOf(Error);
    expect((error as { status?: number }).status).to.equal(409);

    const direct = await call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema: JSON.stringify(reviewIncompatible),
    });
    expect(direct.status).to.equal(409);
    const { json: versions } = await call('GET', `/subjects/${encodeURIComponent(subject)}/versions`);
    expect(versions).to.have.length(2);
  });
});
