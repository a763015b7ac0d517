/**
 * `npm run -s bench:es-vectors`: what indexing the documents' `embedding` for kNN costs Elasticsearch.
 * Indexes the same BENCH_ES_VECTORS_DOCUMENTS documents (the sink's own encoding, random unit
 * vectors) in bulks of BENCH_ES_VECTORS_BULK, as the sink sends them at moderate load, into two
 * scratch indices with the documents template's mappings: the embedding as the template has it
 * (stored, no kNN graph) and as template 3 had it (HNSW, cosine). Reports the Elasticsearch
 * process's CPU seconds for each, read from the node stats, until its merges are done.
 */
import { Client, type estypes } from '@elastic/elasticsearch';
import { documentSource } from '../../sinks/elasticsearch/encoder';
import { documentsMappings } from '../../sinks/elasticsearch/setup';
import { ELASTICSEARCH_URL, makeDocument } from '../integration/sinks-fixtures';

const DOCUMENTS = Number(process.env.BENCH_ES_VECTORS_DOCUMENTS ?? 40_000);
const BULK = Number(process.env.BENCH_ES_VECTORS_BULK ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);

const VARIANTS: Record<string, estypes.MappingTypeMapping['properties']> = {
  'stored (template 4)': documentsMappings.properties,
  'kNN-indexed (template 3)': {
    ...documentsMappings.properties,
    embedding: { type: 'dense_vector', dims: 384, index: true, similarity: 'cosine' },
  },
};

/** A seeded unit vector: no two documents alike, as in a real corpus (xorshift, Box-Muller). */
function randomUnitVector(seed: number): number[] {
  let s = (seed * 2654435761) >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 1) / 4294967297;
  };
  const v = Array.from(
    { length: 384 },
    () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()),
  );
  const norm = Math.hypot(...v);
  return v.map((x) => Math.fround(x / norm));
}

async function cpuSeconds(es: Client): Promise<number> {
  const stats = await es.nodes.stats({ metric: 'process' });
  return (
    Object.values(stats.nodes).reduce((sum, n) => sum + (n.process?.cpu?.total_in_millis ?? 0), 0) / 1000
  );
}

async function indexAll(es: Client, index: string, sources: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < sources.length; i += BULK) {
    const operations = sources
      .slice(i, i + BULK)
      .flatMap((source, k) => [{ index: { _index: index, _id: String(i + k) } }, source]);
    const response = await es.bulk({ operations });
    if (response.errors)
      throw new Error(`bulk into ${index} refused items: ${JSON.stringify(response.items[0])}`);
  }
  await es.indices.refresh({ index });
  for (;;) {
    const stats = await es.indices.stats({ index, metric: 'merge' });
    if ((stats._all.total?.merges?.current ?? 0) === 0) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function main(): Promise<void> {
  const es = new Client({ node: ELASTICSEARCH_URL, requestTimeout: 120_000 });
  const indexedAt = new Date().toISOString();
  const sources = Array.from({ length: DOCUMENTS }, (_, i) =>
    documentSource({ ...makeDocument('bench-es-vectors', i), embedding: randomUnitVector(i + 1) }, indexedAt),
  );
  const rows: string[] = [];
  for (let run = 1; run <= RUNS; run++) {
    for (const [variant, properties] of Object.entries(VARIANTS)) {
      const index = `bench-es-vectors-${run}-${variant.startsWith('stored') ? 'stored' : 'knn'}`;
      await es.indices.delete({ index, ignore_unavailable: true });
      await es.indices.create({
        index,
        settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
        mappings: { dynamic: 'strict', properties },
      });
      const cpu = await cpuSeconds(es);
      const started = performance.now();
      try {
        await indexAll(es, index, sources);
        const seconds = (performance.now() - started) / 1000;
        const used = (await cpuSeconds(es)) - cpu;
        rows.push(
          `| ${run} | ${variant} | ${DOCUMENTS} | ${BULK} | ${seconds.toFixed(1)} | ${used.toFixed(1)} | ${((used / DOCUMENTS) * 1000).toFixed(2)} |`,
        );
        console.error(rows.at(-1));
      } finally {
        await es.indices.delete({ index, ignore_unavailable: true });
      }
    }
  }
  console.log(
    [
      '| run | embedding | documents | per bulk | wall s | Elasticsearch CPU s | CPU ms per document |',
      '|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
