import { expect } from 'chai';
import pg from 'pg';
import pgvector from 'pgvector/pg';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';

/** A unit vector of 384 dimensions pointing mostly along `axis`. */
function vectorNear(axis: number, noise = 0.01): number[] {
  return Array.from({ length: 384 }, (_, i) => (i === axis ? 1 : noise * Math.sin(i + axis)));
}

describe('PostgreSQL with pgvector (local stack)', () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  const table = `stack_test_vectors_${process.pid}`;

  before(async () => {
    await client.connect();
    await pgvector.registerTypes(client);
  });

  after(async () => {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  });

  it('runs PostgreSQL 15 with pgvector 0.8 in the absa database', async () => {
    const { rows } = await client.query(
      `SELECT current_setting('server_version_num')::int AS version, current_database() AS db,
              (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS vector`,
    );
    expect(Math.floor(rows[0].version / 10000)).to.equal(15);
    expect(rows[0].db).to.equal('absa');
    expect(rows[0].vector).to.match(/^0\.8\./);
  });

  it('answers a nearest-neighbour query on a vector(384) column through an HNSW index', async () => {
    await client.query(`CREATE TABLE ${table} (id int PRIMARY KEY, embedding vector(384) NOT NULL)`);
    await client.query(`CREATE INDEX ON ${table} USING hnsw (embedding vector_cosine_ops)`);
    for (let id = 0; id < 50; id++) {
      await client.query(`INSERT INTO ${table} (id, embedding) VALUES ($1, $2)`, [
        id,
        pgvector.toSql(vectorNear(id)),
      ]);
    }
    await client.query('SET enable_seqscan = off');
    const query = pgvector.toSql(vectorNear(17, 0.02));
    const plan = await client.query(`EXPLAIN SELECT id FROM ${table} ORDER BY embedding <=> $1 LIMIT 3`, [
      query,
    ]);
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).to.match(
      /Index Scan using .*hnsw|embedding_idx/,
    );
    const { rows } = await client.query(
      `SELECT id, embedding <=> $1 AS distance FROM ${table} ORDER BY embedding <=> $1 LIMIT 3`,
      [query],
    );
    expect(rows[0].id).to.equal(17);
    expect(rows[0].distance).to.be.below(rows[1].distance);
    await client.query('RESET enable_seqscan');
  });
});
