import { expect } from 'chai';
import { capturedLogger } from './helpers/log-lines';

describe('common/logging', () => {
  it('writes one JSON line per entry with ECS fields', () => {
    const { logger, lines } = capturedLogger();
    logger.info('hello', { event: { action: 'test' }, trace: { id: 'abc' } });
    const [line] = lines();
    expect(line).to.include({ 'log.level': 'info', message: 'hello', 'ecs.version': '8.11.0' });
    expect(line!['@timestamp']).to.match(/^\d{4}-\d{2}-\d{2}T/);
    expect(line!.service).to.deep.equal({ name: 'unit' });
    expect(line!.event).to.deep.equal({ action: 'test' });
    expect(line!.trace).to.deep.equal({ id: 'abc' });
  });

  it('puts errors under error.* with type, message and stack', () => {
    const { logger, lines } = capturedLogger();
    logger.error('failed', { err: new TypeError('boom') });
    const error = lines()[0]!.error as Record<string, unknown>;
    expect(error).to.include({ type: 'TypeError', message: 'boom', retriable: false });
    expect(error.stack_trace).to.include('TypeError: boom');
  });

  it('never writes API keys, authorization headers or URL passwords', () => {
    const { logger, lines } = capturedLogger();
    const key = 'ask_AbCdEfGh_0123456789abcdefghijklmnopqrstuv';
    logger.info(`got key ${key}`, {
      http: { request: { headers: { 'x-api-key': key, authorization: 'Bearer xyz', 'user-agent': 'curl' } } },
      db: 'postgres://absa:s3cret@db:5432/absa',
    });
    const text = JSON.stringify(lines());
    expect(text).to.not.include('0123456789abcdef').and.not.include('Bearer xyz').and.not.include('s3cret');
    expect(text).to.include('ask_AbCdEfGh_').and.include('curl').and.include('[REDACTED]');
  });
});
