/**
 * What a read_committed consumer is handed from one fetch: kafkajs drops the messages of aborted
 * transactions using the fetch response's aborted-transaction list. Kafka orders that list by when
 * each abort marker was written, so when a processor is killed its per-partition transactions
 * abort in any order; kafkajs 2.2.4 assumed first-offset order and let one of them through
 * (patches/kafkajs+2.2.4.patch). These cases run kafkajs's own Batch, the object `eachBatch` gets.
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';

interface FetchedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  isControlRecord: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}
interface AbortedTransaction {
  producerId: string;
  firstOffset: string;
}
type BatchConstructor = new (
  topic: string,
  fetchedOffset: string,
  partitionData: {
    partition: number;
    highWatermark: string;
    abortedTransactions: AbortedTransaction[];
    messages: FetchedMessage[];
  },
) => { messages: FetchedMessage[] };

const Batch = createRequire(import.meta.url)('kafkajs/src/consumer/batch') as BatchConstructor;

const ABORT = Buffer.from([0, 0, 0, 0]);
const COMMIT = Buffer.from([0, 0, 0, 1]);
const record = (offset: number, producerId: number, inTransaction = true): FetchedMessage => ({
  offset: String(offset),
  key: Buffer.from(`k${offset}`),
  value: Buffer.from(`v${offset}`),
  isControlRecord: false,
  batchContext: { producerId: String(producerId), inTransaction },
});
const marker = (offset: number, producerId: number, key: Buffer): FetchedMessage => ({
  offset: String(offset),
  key,
  value: Buffer.from([0, 0, 0, 0, 0, 0]),
  isControlRecord: true,
  batchContext: { producerId: String(producerId), inTransaction: true },
});
const visible = (fetchedOffset: number, messages: FetchedMessage[], aborted: AbortedTransaction[]) =>
  new Batch('sentiment.aspects.v1', String(fetchedOffset), {
    partition: 0,
    highWatermark: String(messages.length),
    abortedTransactions: aborted,
    messages,
  }).messages.map((m) => Number(m.offset));

describe('kafka: read_committed fetches', () => {
  it('drops two interleaved aborted transactions whose abort markers came in the other order', () => {
    // Producer 1 starts first and aborts last: the broker lists producer 2's transaction first.
    const messages = [
      record(0, 1),
      record(1, 1),
      record(2, 2),
      record(3, 2),
      marker(4, 2, ABORT),
      marker(5, 1, ABORT),
      record(6, 3),
      marker(7, 3, COMMIT),
    ];
    const aborted = [
      { producerId: '2', firstOffset: '2' },
      { producerId: '1', firstOffset: '0' },
    ];
    expect(visible(0, messages, aborted)).to.deep.equal([6]);
  });

  it('drops every aborted transaction already open where the fetch starts', () => {
    const messages = [
      record(0, 1),
      record(1, 2),
      record(2, 1),
      record(3, 2),
      marker(4, 1, ABORT),
      marker(5, 2, ABORT),
      record(6, 4, false),
    ];
    const aborted = [
      { producerId: '1', firstOffset: '0' },
      { producerId: '2', firstOffset: '1' },
    ];
    expect(visible(3, messages, aborted)).to.deep.equal([6]);
  });

  it("keeps a producer's committed transaction after its aborted one, and other producers' work in between", () => {
    const messages = [
      record(0, 1),
      record(1, 2),
      marker(2, 2, COMMIT),
      record(3, 1),
      marker(4, 1, ABORT),
      record(5, 1),
      marker(6, 1, COMMIT),
    ];
    expect(visible(0, messages, [{ producerId: '1', firstOffset: '0' }])).to.deep.equal([1, 5]);
  });
});
