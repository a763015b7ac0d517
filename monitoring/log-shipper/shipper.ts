/**
 * The log shipper: follows the services' ECS log files and bulk-indexes every complete line into
 * Elasticsearch, committing each file's read position only after Elasticsearch acknowledged the
 * lines before it (docs/adr/0008-log-shipping.md).
 *
 * The files are the buffer. A service writes its lines to its file whatever Elasticsearch does, so
 * an outage never slows or blocks a service; the shipper retries the same bulk (capped, jittered
 * backoff) until it succeeds and only then reads on. Memory stays bounded by one batch per file;
 * the backlog waits on disk and drains after the outage. Item results: 201 indexed, 409 already
 * indexed (a replay after a crash: the same id), 429/5xx retried, other 4xx (the mapping refused
 * the line) indexed again as plain text (`fallbackDocument`), so no line goes missing.
 */
import path from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import {
  backoffDelay,
  classifyError,
  errorMessage,
  RETRY_POLICIES,
  sleep,
  type BackoffOptions,
} from '../../common/errors/index';
import type { Logger } from '../../common/logging/index';
import { fallbackDocument, toDocument, type LogDocument } from './documents';
import type { LogShipperMetrics } from './metrics';
import { PositionStore, readLines, type Chunk, type Line } from './tailer';

export interface LogShipperOptions {
  client: Client;
  logger: Logger;
  metrics: LogShipperMetrics;
  /** Log files to follow; the `log_service` of each is its name without `.log`. */
  files: string[];
  positions: PositionStore;
  alias: string;
  batchBytes: number;
  pollMs: number;
  retryMaxMs: number;
}

interface ItemResult {
  status: number;
  error?: { type?: string; reason?: string };
}

/** A whole bulk request failed; the batch is sent again. */
class BulkFailedError extends Error {
  constructor(
    message: string,
    readonly errorClass: string,
  ) {
    super(message);
    this.name = 'BulkFailedError';
  }
}

export class LogShipper {
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private retryLogs = 0;
  /** True while the last bulk succeeded (for /readyz). */
  healthy = true;

  constructor(private readonly o: LogShipperOptions) {
    o.metrics.files.set(o.files.length);
    // Series exist from the start at 0, so the first dropped line is an increase alerts can see.
    for (const file of o.files)
      for (const outcome of ['indexed', 'fallback', 'dropped'])
        o.metrics.lines.inc({ log_service: path.basename(file, '.log'), outcome }, 0);
  }

  start(): void {
    this.loop = this.run();
  }

  /** Stops after the bulk in flight; its position is committed if it succeeded. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('stopping'));
    await this.loop?.catch(() => undefined);
  }

  private get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let shipped = 0;
      for (const file of this.o.files) {
        if (this.stopping) break;
        shipped += await this.shipFile(file);
      }
      // Poll again at once while there is more to read; otherwise wait for new lines.
      if (shipped === 0) await sleep(this.o.pollMs, this.abort.signal).catch(() => undefined);
    }
  }

  /** Ships one batch of a file; returns the lines shipped. */
  async shipFile(file: string): Promise<number> {
    const service = path.basename(file, '.log');
    const position = this.o.positions.get(file);
    const chunk = await readLines(file, position, this.o.batchBytes);
    if (!chunk) return 0;
    if (chunk.reset) {
      this.o.logger.warn(`${file} was truncated or replaced; reading it again from the start`, {
        event: { action: 'log-shipper-file-reset' },
        log: { file: { path: file } },
      });
    }
    const from = chunk.reset || !position ? 0 : position.offset;
    this.o.metrics.backlog.set({ log_service: service }, Math.max(0, chunk.size - from));
    if (chunk.lines.length > 0) {
      const shipped = await this.shipWithRetry(file, service, chunk);
      if (!shipped) return 0;
    }
    if (chunk.reset || chunk.lines.length > 0 || !position) this.o.positions.set(file, chunk.next);
    this.o.metrics.backlog.set({ log_service: service }, Math.max(0, chunk.size - chunk.next.offset));
    return chunk.lines.length;
  }

  /** Retries the chunk until Elasticsearch has every line; false only when stopped first. */
  private async shipWithRetry(file: string, service: string, chunk: Chunk): Promise<boolean> {
    const source = { file, service, position: chunk.next };
    let pending: Array<{ line: Line; doc: LogDocument }> = chunk.lines.map((line) => ({
      line,
      doc: toDocument(this.o.alias, source, line),
    }));
    const backoff: BackoffOptions = { ...RETRY_POLICIES.logShipping, maxMs: this.o.retryMaxMs };
    for (let attempt = 1; ; attempt++) {
      try {
        pending = await this.bulk(service, pending);
        if (pending.length === 0) {
          this.healthy = true;
          this.retryLogs = 0;
          return true;
        }
        throw new BulkFailedError(`${pending.length} lines refused with 429/5xx`, 'ItemsRetriable');
      } catch (err) {
        this.healthy = false;
        const errorClass = err instanceof BulkFailedError ? err.errorClass : classifyError(err).errorClass;
        this.o.metrics.retries.inc({ error_class: errorClass });
        const delay = backoffDelay(attempt, backoff);
        // The first failures and then every 30th: an outage must not flood the logs being shipped.
        if (this.retryLogs++ < 3 || this.retryLogs % 30 === 0) {
          this.o.logger.warn(
            `bulk of ${pending.length} log lines failed (${errorMessage(err)}); retrying in ${delay} ms`,
            {
              event: { action: 'log-shipper-bulk-retry' },
              error: { type: errorClass, message: errorMessage(err) },
              labels: { attempt },
            },
          );
        }
        if (this.stopping) return false;
        await sleep(delay, this.abort.signal).catch(() => undefined);
        if (this.stopping) return false;
      }
    }
  }

  /** One bulk request; returns the lines to send again (429/5xx items). Throws when it failed as a whole. */
  private async bulk(
    service: string,
    items: Array<{ line: Line; doc: LogDocument }>,
  ): Promise<Array<{ line: Line; doc: LogDocument }>> {
    const started = performance.now();
    const operations = items.flatMap(({ doc }) => [{ create: { _index: doc.index, _id: doc.id } }, doc.doc]);
    const response = await this.o.client.bulk({ operations, refresh: false });
    this.o.metrics.bulk.observe((performance.now() - started) / 1000);
    const retry: Array<{ line: Line; doc: LogDocument }> = [];
    const refused: Array<{ line: Line; doc: LogDocument; reason: string }> = [];
    let indexed = 0;
    response.items.forEach((item, i) => {
      const result = (item.create ?? Object.values(item)[0]) as ItemResult;
      const entry = items[i]!;
      if (result.status < 300 || result.status === 409) indexed++;
      else if (result.status === 429 || result.status >= 500) retry.push(entry);
      else
        refused.push({
          ...entry,
          reason: `${result.error?.type ?? result.status}: ${result.error?.reason ?? ''}`,
        });
    });
    this.o.metrics.lines.inc({ log_service: service, outcome: 'indexed' }, indexed);
    if (refused.length > 0) retry.push(...(await this.indexFallbacks(service, refused)));
    return retry;
  }

  private async indexFallbacks(
    service: string,
    refused: Array<{ line: Line; doc: LogDocument; reason: string }>,
  ): Promise<Array<{ line: Line; doc: LogDocument }>> {
    const fallbacks = refused.map((r) => fallbackDocument(r.doc, r.line.text, r.reason));
    const operations = fallbacks.flatMap((doc) => [{ create: { _index: doc.index, _id: doc.id } }, doc.doc]);
    const response = await this.o.client.bulk({ operations, refresh: false });
    const retry: Array<{ line: Line; doc: LogDocument }> = [];
    let done = 0;
    let dropped = 0;
    response.items.forEach((item, i) => {
      const result = (item.create ?? Object.values(item)[0]) as ItemResult;
      if (result.status < 300 || result.status === 409) done++;
      else if (result.status === 429 || result.status >= 500) retry.push(refused[i]!);
      else dropped++;
    });
    this.o.metrics.lines.inc({ log_service: service, outcome: 'fallback' }, done);
    if (dropped > 0) {
      // Only a broken template can refuse the plain-text document; counted, never silent.
      this.o.metrics.lines.inc({ log_service: service, outcome: 'dropped' }, dropped);
      this.o.logger.error(
        `${dropped} log lines refused even as plain text; check the ${this.o.alias} template`,
        {
          event: { action: 'log-shipper-lines-dropped' },
        },
      );
    }
    return retry;
  }
}
