import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { runProcess } from './helpers/processes';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';

describe('API keys (common/apikeys) against the local stack', function () {
  this.timeout(60_000);
  const tenant = `t-${randomUUID().slice(0, 8)}`;
  let pool: pg.Pool;

  before(() => {
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  });
  after(() => pool.end());

  it('apikey create prints the new key and nothing else on stdout, and stores only its hash', async () => {
    const res = await runProcess('common/apikeys/main.ts', [
      'create',
      '--tenant',
      tenant,
      '--name',
      'cli',
      '--role',
      'ingest',
    ]);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.match(/^ask_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{32}\n$/);
    const key = res.stdout.trim();
    const { rows } = await pool.query('SELECT * FROM api_keys WHERE tenant = $1', [tenant]);
    expect(rows).to.have.length(1);
    expect(JSON.stringify(rows)).to.not.include(key.slice(13));
    expect(rows[0].key_hash).to.have.length(32);
    const principal = await new ApiKeyStore(pool, 0).verify(key);
    expect(principal).to.include({ tenant, role: 'ingest', name: 'cli' });
  });

  it('apikey list shows keys without secrets and revoke stops a key from verifying', async () => {
    const store = new ApiKeyStore(pool, 0);
    const { key, record } = await store.create({ tenant, name: 'to-revoke', role: 'reader' });
    const list = await runProcess('common/apikeys/main.ts', ['list', '--tenant', tenant]);
    expect(list.code).to.equal(0);
    expect(list.stdout).to.include(record.prefix).and.to.include('to-revoke');
    expect(list.stdout).to.not.include(key);
    const revoke = await runProcess('common/apikeys/main.ts', ['revoke', record.prefix]);
    expect(revoke.code, revoke.stderr).to.equal(0);
    expect(await store.verify(key)).to.equal(null);
  });

  it('refuses an unknown role and a bad tenant with a message naming them, exit code non-zero', async () => {
    const res = await runProcess('common/apikeys/main.ts', [
      'create',
      '--tenant',
      'Bad Tenant',
      '--name',
      'x',
      '--role',
      'boss',
    ]);
    expect(res.code).to.not.equal(0);
    expect(res.stdout).to.equal('');
    expect(res.stderr).to.include("tenant 'Bad Tenant'").and.to.include("role 'boss'");
  });
});
