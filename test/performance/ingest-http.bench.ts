/**
 * `npm run bench:ingest`: documents per second accepted (202, i.e. acknowledged by Kafka with acks=all)
 * by the HTTP collector, batches of 100, against the local stack.
 *
 * Starts the real collector (`producers/http/main.ts`) as a child process with the rate limit off,
 * creates an ingest key, warms up, then keeps BENCH_CONCURRENCY requests in flight for BENCH_SECONDS.
 * The load generator runs on the same machine and shares its CPUs.
 *
 * Env: BENCH_SECONDS (20), BENCH_CONCURRENCY (8), BENCH_BATCH (100), BENCH_TEXT_CHARS (~300).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { freePort, startProcess, waitFor } from '../integration/helpers/processes';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const TEXT_CHARS = Number(process.env.BENCH_TEXT_CHARS ?? 300);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';

const PHRASES = [
  'The battery life is excellent and lasts two days.',
  'Customer service was slow to answer my emails.',
  'Screen is bright but the speakers sound tinny.',
  'Delivery arrived a day early, well packed.',
  'The price is too high for what you get.',
  'Camera takes sharp photos even at night.',
  'App crashes every time I open the settings page.',
  'Staff were friendly and the food was delicious.',
];

function text(i: number): string {
  let t = '';
  for (let k = i; t.length < TEXT_CHARS; k += 3) t += `${PHRASES[k % PHRASES.length]} `;
  return t.trim();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  const { key } = await new ApiKeyStore(pool, 0).create({
    tenant: 'bench',
    name: `bench-${randomUUID()}`,
    role: 'ingest',
  });
  await pool.end();

  const port = await freePort();
  const collector = startProcess('producers/http/main.ts', [], {
    COLLECTOR_HTTP_PORT: String(port),
    COLLECTOR_HTTP_OPS_PORT: String(await freePort()), // not 0: the OS could pick the port reserved above
    COLLECTOR_HTTP_HOST: '127.0.0.1',
    COLLECTOR_HTTP_RATE_LIMIT_RPS: '0',
    LOG_LEVEL: 'warn',
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${url}/readyz`)).ok, 60_000, 'collector ready');
    const run = randomUUID().slice(0, 8);
    let seq = 0;
    const body = (): string => {
      const documents = Array.from({ length: BATCH }, () => {
        const i = seq++;
        return { source: 'bench', source_id: `${run}-${i}`, text: text(i), entity: `product-${i % 50}` };
      });
      return JSON.stringify({ documents });
    };
    const send = async (): Promise<{ status: number; ms: number }> => {
      const payload = body();
      const started = performance.now();
      const res = await fetch(`${url}/v1/documents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: payload,
      });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    };

    // Warm-up: JIT, producer connections, metadata.
    const warmUntil = performance.now() + 3000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < warmUntil) await send();
      }),
    );

    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let accepted = 0;
    const started = performance.now();
    const until = started + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          const r = await send();
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 202) {
            accepted += BATCH;
            latencies.push(r.ms);
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const result = {
      documents_per_second: Math.round(accepted / elapsed),
      accepted_documents: accepted,
      seconds: Number(elapsed.toFixed(1)),
      batch: BATCH,
      concurrency: CONCURRENCY,
      text_chars: TEXT_CHARS,
      request_ms: {
        p50: Number(percentile(latencies, 50).toFixed(1)),
        p95: Number(percentile(latencies, 95).toFixed(1)),
        p99: Number(percentile(latencies, 99).toFixed(1)),
      },
      statuses: Object.fromEntries(statuses),
      machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `\nHTTP ingest: ${result.documents_per_second} documents/s accepted (batches of ${BATCH}, ${CONCURRENCY} concurrent requests, p50 ${result.request_ms.p50} ms, p99 ${result.request_ms.p99} ms per request)\n`,
    );
  } finally {
    collector.child.kill('SIGTERM');
    await collector.exited;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:ingest failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
