/**
 * Writes a batch of analysed documents with one bulk request: per document event, one document into
 * `<prefix>-documents-YYYY.MM` with `_id` = event_id and one document per aspect into
 * `<prefix>-mentions-YYYY.MM` with `_id` = mention_id (months of created_at, so a replay lands on the
 * same _id in the same index and overwrites it with the same content).
 *
 * Per-item results: items refused with 429 or 5xx are sent again (only those) with backoff; after a
 * few rounds the batch fails as retriable and the runner retries it. Items refused with another 4xx
 * (mapping errors, a vector Elasticsearch cannot index) make their event a dead letter.
 *
 * Versions are external (processed_at): the newest analysis of a document wins, and the mentions of
 * earlier analyses that it no longer has are deleted.
 */
import type { Client, estypes } from '@elastic/elasticsearch';

type BulkOperationContainer = estypes.BulkOperationContainer;
type BulkResponseItem = estypes.BulkResponseItem;
import { asElasticsearchError, ELASTICSEARCH } from '../../common/elasticsearch/errors';
import { DependencyUnavailableError, RetriableError, sleep } from '../../common/errors/index';
import type { DocumentSentiment } from '../../schemas/index';
import { observeIngestToWritten } from '../shared/metrics';
import { newestPerDocument } from '../shared/newest';
import type { SinkWriter } from '../shared/runner';
import type { ElasticsearchSinkMetrics } from './metrics';
import { documentSource, mentionSources } from './encoder';
import { itemOutcome, itemRetryDelay } from './retry';
import { aliasNames, firstCreatedIndex, monthlyIndex } from './setup';

/** External versioning by processed_at: the newest analysis of a document wins, a replay is a no-op. */
function newestWins(doc: DocumentSentiment): { version: number; version_type: 'external' } {
  return { version: doc.processed_at, version_type: 'external' };
}

interface Op {
  doc: number;
  id: string;
  action: BulkOperationContainer;
  source: Record<string, unknown>;
  alias: 'documents' | 'mentions' | 'first-created';
}

export interface ElasticsearchWriterOptions {
  indexPrefix: string;
  /** Rounds of re-sending items refused with 429/5xx before the batch fails as retriable. */
  itemRetries?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

export class ElasticsearchDocumentWriter implements SinkWriter<DocumentSentiment> {
  private readonly aliases;
  private readonly firstCreated: string;

  constructor(
    private readonly client: Client,
    private readonly options: ElasticsearchWriterOptions,
    private readonly metrics?: ElasticsearchSinkMetrics,
  ) {
    this.aliases = aliasNames(options.indexPrefix);
    this.firstCreated = firstCreatedIndex(options.indexPrefix);
  }

  async write(batch: DocumentSentiment[]): Promise<Array<unknown | undefined>> {
    const indexedAt = new Date().toISOString();
    const docs = await this.keepFirstCreatedAt(batch);
    const earlier = await this.earlierMentions(docs);
    let pending: Op[] = [];
    docs.forEach((doc, i) => {
      pending.push({
        doc: i,
        id: doc.event_id,
        alias: 'documents',
        action: {
          index: {
            _index: monthlyIndex(this.aliases.documents, doc.created_at),
            _id: doc.event_id,
            ...newestWins(doc),
          },
        },
        source: documentSource(doc, indexedAt),
      });
      for (const m of mentionSources(doc, indexedAt)) {
        pending.push({
          doc: i,
          id: m.mention_id as string,
          alias: 'mentions',
          action: {
            index: {
              _index: monthlyIndex(this.aliases.mentions, doc.created_at),
              _id: m.mention_id as string,
              ...newestWins(doc),
            },
          },
          source: m,
        });
      }
      // Recorded with the document (create: the first one stays).
      pending.push({
        doc: i,
        id: doc.event_id,
        alias: 'first-created',
        action: { create: { _index: this.firstCreated, _id: doc.event_id } },
        source: { created_at: doc.created_at },
      });
    });

    const results: Array<unknown | undefined> = docs.map(() => undefined);
    const written = new Set<number>();
    const all = pending;
    const rounds = this.options.itemRetries ?? 5;
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) {
        if (round > rounds) {
          throw new DependencyUnavailableError(
            ELASTICSEARCH,
            `${pending.length} bulk items still refused with 429/5xx after ${rounds} rounds`,
            {
              code: 'bulk_items_retriable',
            },
          );
        }
        await sleep(itemRetryDelay(round, this.options));
      }
      const items = await this.bulk(pending);
      const retry: Op[] = [];
      items.forEach((item, k) => {
        const op = pending[k]!;
        const outcome = itemOutcome(item, `${op.alias} ${op.id}`);
        if (outcome === 'written') {
          this.metrics?.docs.inc({ alias: op.alias });
          if (op.alias === 'documents') written.add(op.doc);
          return;
        }
        if (outcome === 'unchanged') return;
        this.metrics?.itemFailures.inc({ status: String(item.status) });
        if (outcome === 'retry') retry.push(op);
        else if (results[op.doc] === undefined) results[op.doc] = outcome;
      });
      pending = retry;
    }
    const indexed = docs.filter((_, i) => written.has(i) && results[i] === undefined);
    await this.deleteStaleMentions(indexed, earlier);
    await this.withdrawMentionsOfRefused(docs, results, all);
    // Searchable after the index's next refresh (1 s by default).
    observeIngestToWritten(this.metrics?.ingestToWritten, indexed);
    return results;
  }

  /**
   * A document keeps the created_at it was first indexed with (and so its monthly index): a
   * collector stamps a document sent without created_at with its ingest time, so a document sent
   * again would otherwise be indexed a second time, in another month's index.
   */
  private async keepFirstCreatedAt(docs: DocumentSentiment[]): Promise<DocumentSentiment[]> {
    let found;
    try {
      found = await this.client.mget<{ created_at: number }>({
        index: this.firstCreated,
        ids: [...new Set(docs.map((d) => d.event_id))],
      });
    } catch (err) {
      // Not made yet (setup skipped): nothing recorded, the first write creates it.
      if ((err as { body?: { error?: { type?: string } } }).body?.error?.type === 'index_not_found_exception')
        return docs;
      throw asElasticsearchError(err);
    }
    const first = new Map<string, number>();
    for (const item of found.docs) {
      if ('found' in item && item.found && item._source) first.set(item._id, item._source.created_at);
    }
    return docs.map((d) => {
      const at = first.get(d.event_id);
      if (at === undefined) first.set(d.event_id, d.created_at); // the first of the batch wins too
      return at === undefined || at === d.created_at ? d : { ...d, created_at: at };
    });
  }

  /**
   * Per document id, the mentions its analyses have indexed so far: those listed in the stored
   * document (mget is realtime, so a document written a moment ago counts even before a refresh)
   * and those of every analysis of it in this batch.
   */
  private async earlierMentions(docs: DocumentSentiment[]): Promise<Map<string, Set<string>>> {
    const ids = new Map<string, Set<string>>();
    for (const d of docs) {
      const set = ids.get(d.event_id) ?? new Set<string>();
      for (const a of d.aspects) set.add(a.mention_id);
      ids.set(d.event_id, set);
    }
    try {
      const found = await this.client.mget<{ aspects?: { mention_id: string }[] }>({
        docs: newestPerDocument(docs).map((d) => ({
          _index: monthlyIndex(this.aliases.documents, d.created_at),
          _id: d.event_id,
          _source: ['aspects.mention_id'],
        })),
      });
      for (const item of found.docs) {
        if ('error' in item) {
          // A month nobody wrote to yet has no index, hence no earlier analysis.
          if (item.error.type === 'index_not_found_exception') continue;
          throw new RetriableError(
            `cannot read ${item._id} to find its earlier mentions: ${item.error.reason}`,
          );
        }
        for (const a of (item.found && item._source?.aspects) || []) ids.get(item._id)!.add(a.mention_id);
      }
    } catch (err) {
      throw asElasticsearchError(err);
    }
    return ids;
  }

  /**
   * A re-analysed document (a newer model, or the same text analysed again) replaces its mentions:
   * those of earlier analyses that the newest one did not index again are deleted. Deletes carry the
   * newest analysis' version, so they can never remove a mention of a newer one.
   */
  private async deleteStaleMentions(
    writtenDocs: DocumentSentiment[],
    earlier: Map<string, Set<string>>,
  ): Promise<void> {
    const operations = newestPerDocument(writtenDocs).flatMap((d) => {
      const keep = new Set(d.aspects.map((a) => a.mention_id));
      return [...(earlier.get(d.event_id) ?? [])]
        .filter((id) => !keep.has(id))
        .map((id) => ({
          delete: {
            _index: monthlyIndex(this.aliases.mentions, d.created_at),
            _id: id,
            ...newestWins(d),
          },
        }));
    });
    await this.deleteMentions(operations, 'mentions-deleted');
  }

  /**
   * A document Elasticsearch refused goes to the DLQ whole: the mentions of it that were indexed in
   * the same bulk request are deleted again, so the store never holds mentions of a document it
   * does not have (a redrive indexes both). `external_gte` with the event's own version deletes what
   * this write indexed and leaves a newer analysis alone.
   */
  private async withdrawMentionsOfRefused(
    docs: DocumentSentiment[],
    results: Array<unknown | undefined>,
    ops: Op[],
  ): Promise<void> {
    // A mention of the refused document that was not indexed answers 404, which deleteMentions ignores.
    const operations = ops
      .filter((op) => op.alias === 'mentions' && results[op.doc] !== undefined)
      .map((op) => ({
        delete: {
          _index: op.action.index!._index!,
          _id: op.id,
          version: docs[op.doc]!.processed_at,
          version_type: 'external_gte' as const,
        },
      }));
    await this.deleteMentions(operations, 'mentions-withdrawn');
  }

  private async deleteMentions(operations: BulkOperationContainer[], counted: string): Promise<void> {
    if (operations.length === 0) return;
    try {
      const response = await this.client.bulk({ operations }, { maxRetries: 0 });
      let deleted = 0;
      for (const entry of response.items) {
        const item = Object.values(entry)[0] as BulkResponseItem;
        if (item.result === 'deleted') deleted++;
        // 404: never indexed or already gone; 409: a newer analysis owns it. Anything else: retry.
        else if (item.status !== 404 && item.status !== 409) {
          throw new RetriableError(
            `deleting mention ${item._id} failed (${item.status}): ${item.error?.reason ?? ''}`,
          );
        }
      }
      this.metrics?.docs.inc({ alias: counted }, deleted);
    } catch (err) {
      throw asElasticsearchError(err);
    }
  }

  private async bulk(ops: Op[]): Promise<BulkResponseItem[]> {
    const operations: unknown[] = [];
    for (const op of ops) operations.push(op.action, op.source);
    const stop = this.metrics?.bulk.startTimer();
    try {
      const response = await this.client.bulk({ operations }, { maxRetries: 0 });
      stop?.();
      const items = response.items.map((i) => Object.values(i)[0] as BulkResponseItem);
      if (items.length !== ops.length) {
        throw new RetriableError(`bulk answered ${items.length} items for ${ops.length} operations`);
      }
      return items;
    } catch (err) {
      throw asElasticsearchError(err);
    }
  }
}
