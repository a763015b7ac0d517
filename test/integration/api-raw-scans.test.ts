/**
 * The statement timeout of a raw-mention scan on the real PostgreSQL: SET LOCAL really stops the
 * scan, the API's error says so, and the connection goes back to the pool with the pool's own
 * timeout (SET LOCAL ends with the transaction).
 */
import { expect } from 'chai';
import pg from 'pg';
import { PgMentionStore } from '../../api/mention.repository';
import { ScanTimeoutError } from '../../api/stores';
import { migrate } from '../../common/postgres/migrate';
import { uniqueTenant } from './sinks-fixtures';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';

describe('raw-mention scans on PostgreSQL', function () {
  this.timeout(30_000);
  let pool: pg.Pool;

  before(async () => {
    // One connection: whatever the scan set on it is what the next statement sees.
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, statement_timeout: 30_000 });
    await migrate(pool);
  });

  after(async () => {
    await pool.end();
  });

  it('a scan blocked past its statement timeout is stopped as a ScanTimeoutError, and its connection keeps the pool’s timeout', async () => {
    const store = new PgMentionStore(pool, { maxConcurrent: 1, timeoutMs: 300 });
    const range = { from: new Date(Date.now() - 86_400_000), to: new Date() };
    const locker = new pg.Client({ connectionString: DATABASE_URL });
    await locker.connect();
    try {
      // statement_timeout counts lock waits: holding the table makes the scan wait past 300 ms.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE aspect_mentions IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const outcome = await store.aspectCounts(uniqueTenant('raw-scan'), range, { lang: 'en' }).then(
        () => 'answered',
        (err: unknown) => err,
      );
      expect(outcome).to.be.instanceOf(ScanTimeoutError);
      expect(Date.now() - started).to.be.lessThan(5_000);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    const { rows } = await pool.query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(rows[0]!.statement_timeout).to.equal('30s');
    expect(await store.aspectCounts(uniqueTenant('raw-scan'), range, { lang: 'en' })).to.deep.equal([]);
  });
});
