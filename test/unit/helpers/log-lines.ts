import { PassThrough } from 'node:stream';
import { createLogger, type Logger } from '../../../common/logging/index';

/** A debug-level logger whose JSON lines the test reads back, parsed. */
export function capturedLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  const logger = createLogger({ service: 'unit', level: 'debug', stream });
  return {
    logger,
    lines: () =>
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
