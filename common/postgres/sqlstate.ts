/**
 * What a PostgreSQL SQLSTATE says about a failed statement (codes: PostgreSQL manual, appendix A).
 *
 * Only the classes that are about the statement's own data are the data's fault: data exceptions
 * (22: a value out of range, bad encoding), integrity violations (23) and program limits (54: a row
 * too large to index). Everything else means the server cannot take any write right now, however
 * good the row: read-only after a failover (25006), statement timeout (57014), disk full (53100),
 * bad password (28P01), a missing table or privilege after a bad deploy (42), shutdown (57P01).
 * Treating those as the row's fault would dead-letter every message written during an incident.
 */
export type PostgresFault =
  /** this statement's data is refused; the same statement will fail again */
  | 'data'
  /** a conflict with another transaction (deadlock, serialization, lock timeout); retry at once */
  | 'transient'
  /** the server or our access to it is in trouble; wait and retry */
  | 'outage';

const DATA_CLASSES = new Set(['22', '23', '54']);
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '55006']);

export function postgresFault(sqlstate: string): PostgresFault {
  if (TRANSIENT_CODES.has(sqlstate)) return 'transient';
  if (DATA_CLASSES.has(sqlstate.slice(0, 2))) return 'data';
  return 'outage';
}
