/**
 * The file import: reads a .jsonl or .csv file, validates every record with the same rules as the
 * HTTP collector, publishes valid documents in acknowledged batches, and writes every rejected record
 * with its line number and reason to `<file>.rejects.jsonl`. Event ids are deterministic, so running
 * the same file again publishes the same ids.
 */
import { createWriteStream, statSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { extname } from 'node:path';
import { RETRY_POLICIES, retry, errorMessage } from '../../common/errors/index';
import type { Logger } from '../../common/logging/index';
import type { FieldError } from '../../common/http/problem';
import type { RawDocument } from '../../schemas/index';
import { toRawDocument, validateDocument } from '../document';
import type { RawDocumentPublisher } from '../publisher';
import { readLines } from './lines';
import { csvRecords, jsonlRecords, type RecordResult } from './records';
import type { Progress } from './progress';
import type { CreatedAtBounds } from '../../schemas/bounds';

export const COLLECTOR_NAME = 'file';

export interface ImportOptions {
  file: string;
  source: string;
  tenant: string;
  entity?: string;
  batchSize: number;
  retries: number;
  publisher: Pick<RawDocumentPublisher, 'publish'>;
  logger: Logger;
  progress?: Progress;
  /** The created_at range accepted (defaults: ten years back, a day ahead). */
  createdAt?: CreatedAtBounds;
}

export interface ImportSummary {
  read: number;
  published: number;
  rejected: number;
  rejectsFile: string | null;
}

export class ImportAbortedError extends Error {
  constructor(
    message: string,
    readonly summary: ImportSummary,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function rejectsPath(file: string): string {
  return `${file}.rejects.jsonl`;
}

function formatOf(file: string): 'jsonl' | 'csv' {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  throw new Error(`cannot tell the format of ${file}: use a .jsonl (or .ndjson) or .csv file`);
}

class RejectsWriter {
  private stream?: WriteStream;
  count = 0;
  constructor(readonly path: string) {
    rmSync(path, { force: true });
  }
  async write(entry: {
    line: number;
    reason: string;
    errors?: FieldError[];
    raw?: string | Buffer;
  }): Promise<void> {
    this.stream ??= createWriteStream(this.path, { flags: 'w' });
    const raw =
      entry.raw === undefined
        ? {}
        : Buffer.isBuffer(entry.raw)
          ? { raw_base64: entry.raw.subarray(0, 4096).toString('base64') }
          : { raw: entry.raw.length > 4096 ? `${entry.raw.slice(0, 4096)}…` : entry.raw };
    this.count++;
    if (
      !this.stream.write(
        `${JSON.stringify({ line: entry.line, reason: entry.reason, ...(entry.errors ? { errors: entry.errors } : {}), ...raw })}\n`,
      )
    ) {
      await once(this.stream, 'drain');
    }
  }
  async close(): Promise<void> {
    if (!this.stream) return;
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const format = formatOf(options.file);
  const totalBytes = statSync(options.file).size;
  const rejects = new RejectsWriter(rejectsPath(options.file));
  const state = { bytesRead: 0, totalBytes, read: 0, published: 0, rejected: 0 };
  const summary = (): ImportSummary => ({
    read: state.read,
    published: state.published,
    rejected: state.rejected,
    rejectsFile: rejects.count > 0 ? rejects.path : null,
  });

  let batch: RawDocument[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const docs = batch;
    batch = [];
    try {
      await retry(() => options.publisher.publish(docs, { 'x-import-file': options.file }), {
        ...RETRY_POLICIES.importBatch,
        retries: options.retries,
        onRetry: (err, attempt, delayMs) =>
          options.logger.warn(
            `batch not acknowledged (attempt ${attempt}), retrying in ${delayMs} ms: ${errorMessage(err)}`,
          ),
      });
    } catch (err) {
      throw new ImportAbortedError(
        `Kafka did not acknowledge a batch of ${docs.length}: ${errorMessage(err)}. ${state.published} documents were published before; re-running the file is safe (same event ids).`,
        summary(),
        { cause: err },
      );
    }
    state.published += docs.length;
  };

  const records: AsyncIterable<RecordResult> =
    format === 'csv' ? csvRecords(readLines(options.file)) : jsonlRecords(readLines(options.file));
  try {
    for await (const rec of records) {
      state.read++;
      state.bytesRead = Math.max(state.bytesRead, rec.bytesRead);
      if ('error' in rec) {
        state.rejected++;
        await rejects.write({ line: rec.lineNo, reason: rec.error, raw: rec.raw });
      } else {
        const value = rec.value as Record<string, unknown>;
        let sourceProblem: FieldError | undefined;
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          if (value.source === undefined) value.source = options.source;
          else if (value.source !== options.source) {
            sourceProblem = {
              pointer: '/source',
              reason: `is '${String(value.source)}' but --source is '${options.source}'`,
            };
          }
        }
        const result = validateDocument(value, [], options.createdAt);
        const errors = [...(sourceProblem ? [sourceProblem] : []), ...(result.ok ? [] : result.errors)];
        if (!result.ok || errors.length) {
          state.rejected++;
          await rejects.write({
            line: rec.lineNo,
            reason: errors.map((e) => `${e.pointer || '(document)'} ${e.reason}`).join('; '),
            errors,
          });
        } else {
          batch.push(
            toRawDocument(result.document, {
              tenant: options.tenant,
              collector: COLLECTOR_NAME,
              defaultEntity: options.entity,
            }),
          );
          if (batch.length >= options.batchSize) await flush();
        }
      }
      options.progress?.update(state);
    }
    await flush();
    state.bytesRead = totalBytes;
    options.progress?.done(state);
  } finally {
    await rejects.close();
  }
  return summary();
}
