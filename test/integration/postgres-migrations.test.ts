import { expect } from 'chai';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../common/postgres/migrate';
import { runProcess } from './helpers/processes';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';

describe('PostgreSQL migrations runner (common/postgres) against the local stack', function () {
  this.timeout(60_000);
  const schema = `migrate_test_${randomUUID().slice(0, 8)}`;
  let admin: pg.Pool;
  let dir: string;
  const scoped = () =>
    new pg.Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${schema}` });

  before(async () => {
    admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    writeFileSync(path.join(dir, '001_first.sql'), 'CREATE TABLE first_table (id int PRIMARY KEY);');
    writeFileSync(
      path.join(dir, '002_second.sql'),
      'CREATE TABLE second_table (id int PRIMARY KEY); SELECT pg_sleep(0.3);',
    );
  });

  after(async () => {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies every migration exactly once when two instances start at the same time', async () => {
    const a = scoped();
    const b = scoped();
    try {
      const [ra, rb] = await Promise.all([migrate(a, { dir }), migrate(b, { dir })]);
      expect(ra.applied.length + rb.applied.length).to.equal(2);
      const { rows } = await a.query('SELECT version, name FROM schema_migrations ORDER BY version');
      expect(rows).to.deep.equal([
        { version: 1, name: 'first' },
        { version: 2, name: 'second' },
      ]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('stops with the file name when an applied migration was edited afterwards', async () => {
    writeFileSync(path.join(dir, '001_first.sql'), 'CREATE TABLE first_table (id bigint PRIMARY KEY);');
    const p = scoped();
    try {
      let error: unknown;
      await migrate(p, { dir }).catch((err: unknown) => (error = err));
      expect((error as Error).message).to.include('001_first.sql changed after it was applied');
    } finally {
      await p.end();
    }
  });

  it('leaves nothing behind from a migration that fails, and names it', async () => {
    writeFileSync(path.join(dir, '001_first.sql'), 'CREATE TABLE first_table (id int PRIMARY KEY);');
    writeFileSync(
      path.join(dir, '003_broken.sql'),
      'CREATE TABLE third_table (id int); SELECT no_such_function();',
    );
    const p = scoped();
    try {
      let error: unknown;
      await migrate(p, { dir }).catch((err: unknown) => (error = err));
      expect((error as Error).message).to.include('003_broken.sql failed');
      const { rows } = await p.query(`SELECT to_regclass('${schema}.third_table') AS t`);
      expect(rows[0].t).to.equal(null);
    } finally {
      await p.end();
    }
  });

  it('npm run migrate is idempotent: a second run applies nothing', async () => {
    const first = await runProcess('common/postgres/main.ts', []);
    expect(first.code, first.stderr).to.equal(0);
    const second = await runProcess('common/postgres/main.ts', []);
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.match(/migrations: 0 applied/);
  });
});
