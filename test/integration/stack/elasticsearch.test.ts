import { Client } from '@elastic/elasticsearch';
import { expect } from 'chai';

const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';

/** A unit-length vector of 384 dimensions pointing mostly along `axis`. */
function vectorNear(axis: number, noise = 0.01): number[] {
  const v = Array.from({ length: 384 }, (_, i) => (i === axis ? 1 : noise * Math.sin(i + axis)));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe('Elasticsearch (local stack)', () => {
  const client = new Client({ node: ELASTICSEARCH_URL });
  const index = `stack-test-${process.pid}-${Date.now()}`;

  before(async () => {
    await client.indices.create({
      index,
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        properties: {
          text: { type: 'text', analyzer: 'english' },
          aspect: { type: 'keyword' },
          embedding: { type: 'dense_vector', dims: 384, index: true, similarity: 'cosine' },
        },
      },
    });
    const bulk = await client.bulk({
      refresh: true,
      operations: [
        { index: { _index: index, _id: 'battery' } },
        {
          text: 'The batteries were running out after two hours',
          aspect: 'battery',
          embedding: vectorNear(0),
        },
        { index: { _index: index, _id: 'service' } },
        { text: 'Friendly staff and quick service', aspect: 'service', embedding: vectorNear(1) },
        { index: { _index: index, _id: 'price' } },
        { text: 'Far too expensive for what you get', aspect: 'price', embedding: vectorNear(2) },
      ],
    });
    expect(bulk.errors, 'bulk indexing errors').to.equal(false);
  });

  after(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    await client.close();
  });

  it('answers as Elasticsearch 8 with a green or yellow cluster, which the client product check accepts', async () => {
    // The client rejects any response without `X-Elastic-Product: Elasticsearch`.
    const info = await client.info();
    expect(info.version.number).to.match(/^8\./);
    const health = await client.cluster.health();
    expect(health.status).to.be.oneOf(['green', 'yellow']);
  });

  it('finds an indexed review by a stemmed word through the english analyzer and highlights it', async () => {
    const result = await client.search<{ aspect: string }>({
      index,
      query: { match: { text: 'battery runs' } },
      highlight: { fields: { text: {} } },
    });

    expect(result.hits.hits.map((h) => h._id)).to.deep.equal(['battery']);
    expect(result.hits.hits[0]?.highlight?.text?.[0]).to.include('<em>batteries</em>');
  });

  it('returns the nearest document first for a kNN query on a dense_vector field', async () => {
    const result = await client.search<{ aspect: string }>({
      index,
      knn: { field: 'embedding', query_vector: vectorNear(2, 0.05), k: 1, num_candidates: 10 },
    });

    expect(result.hits.hits).to.have.length(1);
    expect(result.hits.hits[0]?._source?.aspect).to.equal('price');
  });
});
