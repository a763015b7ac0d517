/**
 * Kafka and schema-registry clients for the examples, configured from the same environment variables
 * the pipeline's own processes read (README, "Configuration"), so one set of credentials serves both:
 *
 *   KAFKA_BROKERS          host:port,...   (default 127.0.0.1:9092, the local stack)
 *   SCHEMA_REGISTRY_URL    Confluent-compatible API (default Apicurio's /apis/ccompat/v7 on the local stack)
 *   KAFKA_SSL              true: TLS, the brokers' certificate checked against KAFKA_SSL_CA_FILE or the system CAs
 *   KAFKA_SASL_MECHANISM   none | plain | scram-sha-256 | scram-sha-512
 *   KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE)
 *
 * Only public libraries are used (kafkajs, @kafkajs/confluent-schema-registry); the contracts are the
 * `.avsc` files in schemas/.
 */
import { readFileSync } from 'node:fs';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';

const MECHANISMS = ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** The contract schema of a topic: its `.avsc` file in schemas/, parsed. */
export function contractSchema(topic: string): { type: 'record'; name: string; fields: unknown[] } {
  const file = new URL(`../../schemas/${topic}.avsc`, import.meta.url);
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- a schema file of this repository, chosen from a fixed list of topics
  return JSON.parse(readFileSync(file, 'utf8')) as { type: 'record'; name: string; fields: unknown[] };
}

function env(name: string, fallback = ''): string {
  return process.env[name]?.trim() || fallback;
}

function readFile(name: string, file: string): string {
  try {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator names the file in the environment
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

/** TLS and SASL options; a mechanism without credentials is refused here, not at the first connection. */
function security(): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (env('KAFKA_SSL') === 'true') {
    const caFile = env('KAFKA_SSL_CA_FILE');
    out.ssl = caFile ? { ca: readFile('KAFKA_SSL_CA_FILE', caFile) } : true;
  }
  const mechanism = env('KAFKA_SASL_MECHANISM', 'none');
  if (!(MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new Error(`KAFKA_SASL_MECHANISM must be one of ${MECHANISMS.join(', ')}, got ${mechanism}`);
  }
  if (mechanism !== 'none') {
    const username = env('KAFKA_SASL_USERNAME');
    const passwordFile = env('KAFKA_SASL_PASSWORD_FILE');
    // A mounted secret file usually ends with a newline that is not part of the password.
    const password = passwordFile
      ? readFile('KAFKA_SASL_PASSWORD_FILE', passwordFile).replace(/\r?\n$/, '')
      : (process.env.KAFKA_SASL_PASSWORD ?? '');
    if (!username || !password) {
      throw new Error(`KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with ${mechanism}`);
    }
    out.sasl = { mechanism, username, password } as SASLOptions;
  }
  return out;
}

/** kafkajs logs warnings and errors to stderr, so stdout carries only the example's own output. */
const stderrLog =
  () =>
  ({ namespace, level, log }: LogEntry): void => {
    const { message, timestamp: _t, logger: _l, ...extra } = log;
    const name = level === logLevel.ERROR ? 'error' : 'warn';
    process.stderr.write(`kafkajs ${name} [${namespace}] ${message} ${JSON.stringify(extra)}\n`);
  };

export function connect(clientId: string): { kafka: Kafka; registry: SchemaRegistry } {
  const kafka = new Kafka({
    clientId,
    brokers: env('KAFKA_BROKERS', '127.0.0.1:9092').split(','),
    ...security(),
    logLevel: logLevel.WARN,
    logCreator: stderrLog,
  });
  const registry = new SchemaRegistry({
    host: env('SCHEMA_REGISTRY_URL', 'http://127.0.0.1:8081/apis/ccompat/v7').replace(/\/+$/, ''),
    clientId,
  });
  return { kafka, registry };
}
