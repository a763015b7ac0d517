import { expect } from 'chai';
import kafkajs from 'kafkajs';
import {
  FatalError,
  RetriableError,
  RetriesExhaustedError,
  backoffDelay,
  classifyError,
  retry,
} from '../../common/errors/index';

describe('common/errors', () => {
  it('classifies kafkajs errors by their retriable flag and judges exhausted retries by the cause', () => {
    expect(classifyError(new kafkajs.KafkaJSError('leader moved', { retriable: true })).retriable).to.equal(
      true,
    );
    expect(classifyError(new kafkajs.KafkaJSError('bad', { retriable: false })).retriable).to.equal(false);
    const conn = new kafkajs.KafkaJSConnectionError('refused');
    expect(classifyError(conn).retriable).to.equal(true);
    const exhausted = new kafkajs.KafkaJSNumberOfRetriesExceeded(conn, { retryCount: 5, retryTime: 100 });
    expect(classifyError(exhausted).retriable).to.equal(true);
  });

  it('retries network errors, PostgreSQL connection/serialization failures and HTTP 429/5xx, not the rest', () => {
    expect(classifyError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).retriable).to.equal(true);
    expect(
      classifyError(Object.assign(new Error('x'), { code: '40001', severity: 'ERROR' })).retriable,
    ).to.equal(true);
    expect(
      classifyError(Object.assign(new Error('x'), { code: '23505', severity: 'ERROR' })).retriable,
    ).to.equal(false);
    expect(classifyError(Object.assign(new Error('x'), { status: 429 })).retriable).to.equal(true);
    expect(classifyError(Object.assign(new Error('x'), { statusCode: 503 })).retriable).to.equal(true);
    expect(classifyError(Object.assign(new Error('x'), { status: 400 })).retriable).to.equal(false);
    expect(classifyError(new TypeError('undefined is not a function')).retriable).to.equal(false);
  });

  it('keeps Kafka context and cause on our own errors', () => {
    const cause = new Error('root');
    const err = new FatalError('cannot decode', {
      cause,
      kafka: { topic: 't', partition: 1, offset: '42' },
      code: 'decode',
    });
    expect(err).to.include({ retriable: false, code: 'decode', name: 'FatalError' });
    expect(err.kafka).to.deep.equal({ topic: 't', partition: 1, offset: '42' });
    expect(err.cause).to.equal(cause);
  });

  it('grows backoff exponentially, caps it and keeps jitter within the delay', () => {
    const opts = { initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0.5 };
    expect(backoffDelay(1, opts, () => 1)).to.equal(100);
    expect(backoffDelay(3, opts, () => 1)).to.equal(400);
    expect(backoffDelay(10, opts, () => 1)).to.equal(1000);
    expect(backoffDelay(10, opts, () => 0)).to.equal(500);
  });

  it('retries a retriable failure until it succeeds', async () => {
    let calls = 0;
    const result = await retry(
      async () => {
        if (++calls < 3) throw new RetriableError('not yet');
        return 'ok';
      },
      { retries: 5, sleep: async () => undefined },
    );
    expect(result).to.equal('ok');
    expect(calls).to.equal(3);
  });

  it('does not retry a fatal error, and wraps the last cause when retries run out', async () => {
    let calls = 0;
    const fatal = new FatalError('bad input');
    await retry(
      async () => {
        calls++;
        throw fatal;
      },
      { retries: 5, sleep: async () => undefined },
    ).catch((err: unknown) => expect(err).to.equal(fatal));
    expect(calls).to.equal(1);

    const last = new RetriableError('still down');
    const err = await retry(
      async () => {
        throw last;
      },
      { retries: 2, sleep: async () => undefined },
    ).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RetriesExhaustedError);
    expect((err as RetriesExhaustedError).attempts).to.equal(3);
    expect((err as Error).cause).to.equal(last);
  });
});
