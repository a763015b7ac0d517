/**
 * `npm run bench:kafka`: messages/s of our Kafka producer path (kafkajs, idempotent, acks=all, the way
 * the collectors send) against Apache Kafka's own producer performance tool
 * (`org.apache.kafka.tools.ProducerPerformance`, from the stack's jars) on the same broker, topic
 * layout and message size, as a ratio. Each side runs BENCH_RUNS times; medians with min and max.
 *
 * Env: BENCH_RECORDS (200000), BENCH_RECORD_BYTES (512), BENCH_RUNS (3), BENCH_BATCH (500),
 * BENCH_IN_FLIGHT (5: concurrent sends, as an idempotent producer allows).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import kafkajs from 'kafkajs';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const BYTES = Number(process.env.BENCH_RECORD_BYTES ?? 512);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 5);
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const stats = (xs: number[]) => ({
  median: Math.round(median(xs)),
  min: Math.round(Math.min(...xs)),
  max: Math.round(Math.max(...xs)),
});

async function kafkajsRun(kafka: kafkajs.Kafka, topic: string): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: IN_FLIGHT });
  await producer.connect();
  const value = Buffer.alloc(BYTES, 'x');
  const batches = Math.ceil(RECORDS / BATCH);
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < batches) {
      const b = next++;
      const n = Math.min(BATCH, RECORDS - b * BATCH);
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: n }, (_, i) => ({ key: String(b * BATCH + i), value })),
      });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return RECORDS / seconds;
}

function javaRun(topic: string): number {
  const out = execFileSync(
    'bash',
    [
      '-c',
      'source stack/lib.sh && source stack/components/kafka.sh && kafka_run org.apache.kafka.tools.ProducerPerformance "$@"',
      'bench',
      '--topic',
      topic,
      '--num-records',
      String(RECORDS),
      '--record-size',
      String(BYTES),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${BROKERS.join(',')}`,
      'acks=all',
      'enable.idempotence=true',
    ],
    { encoding: 'utf8' },
  );
  // Last line: "200000 records sent, 85000.0 records/sec (41.50 MB/sec), ..."
  const match = /([\d.]+) records\/sec/.exec(out.trim().split('\n').pop() ?? '');
  if (!match) throw new Error(`unexpected ProducerPerformance output:\n${out}`);
  return Number(match[1]);
}

async function main(): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: 'bench-kafka',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `bench.transport.${process.pid}`;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 6, replicationFactor: 1 }],
  });
  const ours: number[] = [];
  const theirs: number[] = [];
  try {
    for (let r = 0; r < RUNS; r++) {
      theirs.push(javaRun(topic));
      ours.push(await kafkajsRun(kafka, topic));
      process.stderr.write(
        `run ${r + 1}: ProducerPerformance ${Math.round(theirs[r]!)} msg/s, kafkajs ${Math.round(ours[r]!)} msg/s\n`,
      );
    }
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
        load_average: os.loadavg().map((x) => Math.round(x * 10) / 10),
        records: RECORDS,
        record_bytes: BYTES,
        runs: RUNS,
        kafkajs_messages_per_second: stats(ours),
        producer_performance_messages_per_second: stats(theirs),
        ratio_kafkajs_to_java: Math.round((median(ours) / median(theirs)) * 100) / 100,
      },
      null,
      2,
    )}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:kafka failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
