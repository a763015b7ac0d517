import { expect } from 'chai';
import { logLevel, type LogEntry } from 'kafkajs';
import { kafkaLogCreator } from '../../common/kafka/client';
import { capturedLogger } from './helpers/log-lines';

/** What kafkajs logs, through our bridge, as the JSON lines the process writes. */
function bridge() {
  const { logger, lines } = capturedLogger();
  const toWinston = kafkaLogCreator(logger)();
  return {
    log: (level: logLevel, log: LogEntry['log']) =>
      toWinston({ namespace: 'Producer', level, label: logLevel[level], log }),
    lines,
  };
}

const entry = (message: string, extra: Record<string, unknown> = {}): LogEntry['log'] => ({
  timestamp: '2026-12-07T15:25:44.559Z',
  logger: 'kafkajs',
  message,
  ...extra,
});

describe('kafkajs logs', () => {
  it('keeps a broker error an error, with its details under kafka', () => {
    const { log, lines } = bridge();
    log(
      logLevel.ERROR,
      entry('Response Produce(key: 0, version: 7)', {
        error: 'The broker is not available',
        broker: 'b:9092',
      }),
    );
    expect(lines()[0]).to.include({ 'log.level': 'error', message: 'Response Produce(key: 0, version: 7)' });
    expect(lines()[0]!.kafka).to.deep.equal({ error: 'The broker is not available', broker: 'b:9092' });
  });

  it("logs the broker's CONCURRENT_TRANSACTIONS answer after a commit at debug: kafkajs retries it", () => {
    const { log, lines } = bridge();
    const busy =
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
    // the broker's answer names it under error; the producer's retry, in its message
    log(logLevel.ERROR, entry('Response AddPartitionsToTxn(key: 24, version: 1)', { error: busy }));
    log(logLevel.ERROR, entry(`Failed to send messages: ${busy}`, { retryCount: 0, retryTime: 338 }));
    expect(lines().map((l) => l['log.level'])).to.deep.equal(['debug', 'debug']);
  });

  it('drops the warning kafkajs gives every idempotent producer about bounded retries', () => {
    const { log, lines } = bridge();
    log(logLevel.WARN, entry('Limiting retries for the idempotent producer to Number.MAX_SAFE_INTEGER'));
    log(logLevel.WARN, entry('Connection timeout'));
    expect(lines().map((l) => l.message)).to.deep.equal(['Connection timeout']);
  });
});
