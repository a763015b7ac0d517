import { expect } from 'chai';
import {
  RETRY_POLICIES,
  backoffDelay,
  symmetricJitterFactor,
  type RetryPolicy,
} from '../../common/errors/index';
import { kafkajsRetry, type BoundedRetryPolicy } from '../../common/kafka/client';
import { registryRetry } from '../../common/kafka/registry';

describe('named retry policies', () => {
  const policies = Object.entries(RETRY_POLICIES) as Array<[string, RetryPolicy]>;

  it('are each a capped exponential backoff with jitter', () => {
    for (const [name, p] of policies) {
      expect(p.initialMs, name).to.be.greaterThan(0);
      expect(p.maxMs, name).to.be.at.least(p.initialMs);
      expect(p.multiplier, name).to.be.greaterThan(1);
      expect(p.jitter, name).to.be.greaterThan(0).and.at.most(1);
      if (p.retries !== undefined) expect(p.retries, name).to.be.at.least(1);
      // Grows from initialMs to the cap and stays there.
      expect(
        backoffDelay(1, p, () => 1),
        name,
      ).to.equal(p.initialMs);
      expect(
        backoffDelay(50, p, () => 1),
        name,
      ).to.equal(p.maxMs);
    }
  });

  it('keep the waits the Kafka clients had: kafkajs gets the same steps, cap, retries and ±20 % spread', () => {
    expect(kafkajsRetry(RETRY_POLICIES.kafkaClient)).to.deep.equal({
      initialRetryTime: 200,
      maxRetryTime: 2000,
      multiplier: 2,
      factor: 0.2,
      retries: 3,
    });
    // The collector's producer stays bounded so a request answers 503 within seconds.
    expect(kafkajsRetry(RETRY_POLICIES.kafkaPublish)).to.include({
      initialRetryTime: 100,
      maxRetryTime: 2000,
      retries: 5,
    });
    // A transaction's first retries come soon (the broker finishing the previous commit); all of them
    // together still wait about as long as before for a previous owner's transaction to be aborted.
    const transaction = RETRY_POLICIES.kafkaTransaction;
    expect(kafkajsRetry(transaction)).to.include({ initialRetryTime: 25, maxRetryTime: 10_000, retries: 13 });
    const total = (p: BoundedRetryPolicy) =>
      Array.from({ length: p.retries }, (_, i) => backoffDelay(i + 1, p, () => 1)).reduce((a, b) => a + b);
    expect(total(transaction)).to.be.within(50_000, 60_000);
    expect(kafkajsRetry(RETRY_POLICIES.kafkaAfterWrite)).to.include({
      initialRetryTime: 200,
      maxRetryTime: 3000,
      retries: 5,
    });
  });

  it('give the registry client its former waits (0.1 s doubling to at most 5 s, 2 retries)', () => {
    expect(registryRetry(RETRY_POLICIES.registryRequest)).to.deep.equal({
      initialRetryTimeInSecs: 0.1,
      maxRetryTimeInSecs: 5,
      multiplier: 2,
      factor: 0.2,
      retries: 2,
    });
  });

  it('spread a delay as widely for kafkajs (±factor) as backoffDelay does (a jitter share of it)', () => {
    for (const [name, p] of policies) {
      const width = backoffDelay(1, p, () => 1) - backoffDelay(1, p, () => 0);
      expect(2 * symmetricJitterFactor(p) * p.initialMs, name).to.be.closeTo(width, 1);
    }
  });
});
