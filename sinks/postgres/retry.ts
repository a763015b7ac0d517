/**
 * How the PostgreSQL sink treats what PostgreSQL answers: common/postgres/errors classifies server
 * errors by SQLSTATE (an outage, a read-only server, a timeout are retriable; a row PostgreSQL refuses
 * for its content is fatal, so its event becomes a dead letter); this adds what only the sink knows.
 */
import { RetriableError, errorMessage } from '../../common/errors/index';
import { asPostgresError, sqlstateOf } from '../../common/postgres/errors';

/**
 * What a write threw, in our hierarchy (common/postgres/errors). A row that falls in a monthly
 * partition that retention dropped since we cached it is a check violation without a constraint
 * name: the partition is made again and the batch retried.
 */
export function asStoreError(err: unknown): unknown {
  const e = err as { constraint?: unknown };
  if (sqlstateOf(err) === '23514' && e.constraint === undefined) {
    return new RetriableError(`missing partition: ${errorMessage(err)}`, {
      cause: err,
      code: 'missing_partition',
    });
  }
  return asPostgresError(err);
}
