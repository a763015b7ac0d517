import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';

/** A well-formed key nobody issued: `ask_<8 base62>_<32 base64url>`. */
function bogusKey(i: number): string {
  const prefix = `Zz${i.toString(36).padStart(6, '0')}`.slice(0, 8);
  return `ask_${prefix}_${randomBytes(24).toString('base64url')}`;
}

describe('API key store under made-up keys (real PostgreSQL)', function () {
  this.timeout(60_000);
  const tenant = `t-bogus-${randomUUID().slice(0, 8)}`;
  let pool: pg.Pool;
  let acquired = 0;

  before(() => {
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    pool.on('acquire', () => acquired++);
  });
  after(async () => {
    await pool?.end();
  });

  it('a well-formed bogus key costs no database query once the live prefixes are known', async () => {
    const store = new ApiKeyStore(pool, 60_000);
    const { key } = await store.create({ tenant, name: 'reader', role: 'reader' });
    expect(await store.verify(key)).to.include({ tenant, role: 'reader' });
    const before = acquired;
    for (let i = 0; i < 2000; i++) expect(await store.verify(bogusKey(i))).to.equal(null);
    // At most one refresh of the live prefix list per second, whatever the number of keys.
    expect(acquired - before).to.be.at.most(3);
  });

  it('more than 10,000 bogus keys do not evict valid keys from the cache', async () => {
    const store = new ApiKeyStore(pool, 60_000);
    const { key } = await store.create({ tenant, name: 'analyst', role: 'analyst' });
    expect(await store.verify(key)).to.include({ role: 'analyst' });
    for (let i = 0; i < 10_001; i++) await store.verify(bogusKey(i));
    const before = acquired;
    expect(await store.verify(key)).to.include({ tenant, role: 'analyst' });
    expect(acquired).to.equal(before);
  });

  it('a wrong secret for a live prefix is refused from the cache, and a key created elsewhere works within a second', async () => {
    const store = new ApiKeyStore(pool, 60_000);
    const other = new ApiKeyStore(pool, 0);
    const { key } = await store.create({ tenant, name: 'ingest', role: 'ingest' });
    await store.verify(key);
    const before = acquired;
    const forged = `${key.slice(0, 13)}${randomBytes(24).toString('base64url')}`;
    expect(await store.verify(forged)).to.equal(null);
    expect(acquired).to.equal(before);

    const elsewhere = await other.create({ tenant, name: 'admin', role: 'admin' });
    await new Promise((r) => setTimeout(r, 1100));
    expect(await store.verify(elsewhere.key)).to.include({ role: 'admin' });
  });
});
