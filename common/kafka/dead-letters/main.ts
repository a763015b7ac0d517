/**
 * `npm run -s dlq -- list|show|redrive [filters]`: the dead letters of every `*.dlq` topic.
 *
 *   list                 one line per dead letter: id, failed at, source, error class and code, tenant
 *   show [ID...]         the envelope and the decoded original (all that match the filters, or the ids)
 *   redrive              republishes the originals to their source topics, each dead letter once
 *
 * Filters: --topic T (source or DLQ topic), --since/--until ISO time, --class ERROR_CLASS,
 * --tenant T, --limit N. Exit 0 on success, 1 on a failure, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { defineConfig, loadConfig } from '../../config/index';
import { errorMessage } from '../../errors/index';
import { createLogger } from '../../logging/index';
import { createKafka } from '../client';
import { kafkaVars, registryVars } from '../config';
import { RegistryClient } from '../registry';
import { DeadLetterStore, type DeadLetterFilter, type DeadLetterRecord } from './store';

const USAGE = `usage: npm run -s dlq -- <list|show|redrive> [--topic T] [--since ISO] [--until ISO] [--class C] [--tenant T] [--limit N] [ID...]`;

function usage(problem: string): never {
  process.stderr.write(`${problem}\n${USAGE}\n`);
  process.exit(2);
}

function time(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) usage(`--${name} must be an ISO time, got "${value}"`);
  return t;
}

function line(r: DeadLetterRecord): string {
  const e = r.envelope;
  return [
    r.id,
    new Date(e.failed_at).toISOString(),
    `${e.source_topic}[${e.source_partition}]@${e.source_offset}`,
    e.error_class + (e.error_code ? `/${e.error_code}` : ''),
    r.tenant ?? '-',
    r.redriven ? 'redriven' : '-',
    e.error_message.replace(/\s+/g, ' ').slice(0, 120),
  ].join('\t');
}

function printable(r: DeadLetterRecord): unknown {
  const bytes = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));
  return {
    id: r.id,
    redriven: r.redriven,
    envelope: {
      ...r.envelope,
      key: bytes(r.envelope.key),
      value: r.original ? '(decoded below)' : (r.envelope.value?.toString('base64') ?? null),
      headers: r.envelope.headers.map((h) => ({ key: h.key, value: bytes(h.value) })),
    },
    original: r.original ?? null,
    original_error: r.originalError ?? null,
  };
}

const spec = defineConfig('dlq-cli', { ...kafkaVars, ...registryVars });

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      topic: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      class: { type: 'string' },
      tenant: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const [command, ...ids] = positionals;
  if (!command || !['list', 'show', 'redrive'].includes(command)) usage(`unknown command "${command ?? ''}"`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    usage(`--limit must be a positive whole number`);
  const filter: DeadLetterFilter = {
    topic: values.topic,
    since: time('since', values.since),
    until: time('until', values.until),
    errorClass: values.class,
    tenant: values.tenant,
    limit,
  };

  const config = loadConfig(spec);
  const logger = createLogger({ service: 'dlq-cli', level: 'warn' });
  const store = new DeadLetterStore(
    createKafka('dlq-cli', config, logger),
    new RegistryClient(config.schemaRegistryUrl),
  );

  if (command === 'redrive') {
    const report = await store.redrive(filter);
    process.stdout.write(
      `selected ${report.selected}, redriven ${report.redriven}, already redriven before ${report.alreadyRedriven}\n` +
        Object.entries(report.byTopic)
          .map(([topic, n]) => `  ${topic}: ${n}\n`)
          .join(''),
    );
    return;
  }
  let records = await store.list(filter);
  if (ids.length > 0) records = records.filter((r) => ids.includes(r.id));
  if (command === 'show') {
    for (const r of records) process.stdout.write(`${JSON.stringify(printable(r), null, 2)}\n`);
    if (ids.length > 0 && records.length < ids.length) {
      const missing = ids.filter((id) => !records.some((r) => r.id === id));
      process.stderr.write(`not found: ${missing.join(', ')}\n`);
      process.exitCode = 1;
    }
    return;
  }
  process.stdout.write('id\tfailed_at\tsource\terror\ttenant\tredriven\tmessage\n');
  for (const r of records) process.stdout.write(`${line(r)}\n`);
  process.stderr.write(`${records.length} dead letter(s)\n`);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    process.stderr.write(`dlq: ${errorMessage(err)}\n`);
    process.exit(1);
  },
);
