import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { documentEventId } from '../../common/ids/index';
import type { RawDocument } from '../../schemas/index';
import { TopicProbe } from './helpers/raw-topic';
import { runProcess } from './helpers/processes';

describe('File importer (producers/file) against the local stack', function () {
  this.timeout(120_000);
  const tenant = `t-${randomUUID().slice(0, 8)}`;
  const probe = new TopicProbe('text.raw.v1');
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'import-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await probe.close();
  });

  it('publishes every valid JSONL line, writes rejected lines with number and reason (invalid UTF-8 included), and prints a summary', async () => {
    const file = path.join(dir, 'reviews.jsonl');
    const lines = [
      Buffer.from(JSON.stringify({ source_id: 'j1', text: 'Great battery', metadata: { rating: '5' } })),
      Buffer.from(JSON.stringify({ source_id: 'j2', text: '  ' })),
      Buffer.concat([
        Buffer.from('{"source_id":"j3","text":"caf'),
        Buffer.from([0xe9]),
        Buffer.from(' au lait"}'),
      ]),
      Buffer.from('not json'),
      Buffer.from(JSON.stringify({ source_id: 'j5', text: 'Screen 😀 is sharp', entity: 'phone-y' })),
    ];
    writeFileSync(file, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
    const before = await probe.endOffsets();
    const res = await runProcess('producers/file/main.ts', [
      file,
      '--source',
      'survey',
      '--entity',
      'phone-x',
      '--tenant',
      tenant,
    ]);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout.trim()).to.equal(`read 5, published 2, rejected 3 (reasons in ${file}.rejects.jsonl)`);
    expect(res.stderr).to.match(/progress: 100\.0% 5 read, 2 published, 3 rejected/);

    const rejects = readFileSync(`${file}.rejects.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects.map((r) => r.line)).to.deep.equal([2, 3, 4]);
    expect(rejects[0].reason).to.equal('/text must not be only whitespace');
    expect(rejects[1].reason).to.match(/^invalid UTF-8 at byte 30 of the line/);
    expect(rejects[2].reason).to.match(/^not valid JSON/);

    const records = (await probe.read<RawDocument>(before, await probe.endOffsets())).filter(
      (r) => r.value.tenant === tenant,
    );
    const byId = new Map(records.map((r) => [r.value.event_id, r.value]));
    const j1 = byId.get(documentEventId(tenant, 'survey', 'j1'))!;
    const j5 = byId.get(documentEventId(tenant, 'survey', 'j5'))!;
    expect(j1.entity).to.equal('phone-x');
    expect(j1.collector).to.equal('file');
    expect(j5.entity).to.equal('phone-y');
    expect(j5.text).to.equal('Screen 😀 is sharp');
    expect(records).to.have.length(2);
  });

  it('publishes the same event ids when the same file is imported again', async () => {
    const file = path.join(dir, 'again.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ source_id: 'r1', text: 'one' })}\n${JSON.stringify({ source_id: 'r2', text: 'two' })}\n`,
    );
    const ids: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const before = await probe.endOffsets();
      const res = await runProcess('producers/file/main.ts', [file, '--source', 'again', '--tenant', tenant]);
      expect(res.code, res.stderr).to.equal(0);
      const recs = (await probe.read<RawDocument>(before, await probe.endOffsets())).filter(
        (r) => r.value.tenant === tenant,
      );
      ids.push(recs.map((r) => r.value.event_id).sort());
    }
    expect(ids[0]).to.have.length(2);
    expect(ids[1]).to.deep.equal(ids[0]);
    expect(existsSync(`${file}.rejects.jsonl`)).to.equal(false);
  });

  it('imports CSV with quoted commas, quotes and line breaks, and metadata.<key> columns', async () => {
    const file = path.join(dir, 'reviews.csv');
    writeFileSync(
      file,
      'source_id,text,created_at,metadata.rating\nc1,"Fast, friendly ""service""",2024-05-01T10:00:00Z,5\nc2,"two\nlines",,3\nc3,,,1\n',
    );
    const before = await probe.endOffsets();
    const res = await runProcess('producers/file/main.ts', [file, '--source', 'csv', '--tenant', tenant]);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.include('read 3, published 2, rejected 1');
    const rejects = readFileSync(`${file}.rejects.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects).to.have.length(1);
    expect(rejects[0]).to.include({ line: 5, reason: '/text is required' });
    const recs = (await probe.read<RawDocument>(before, await probe.endOffsets())).filter(
      (r) => r.value.tenant === tenant,
    );
    const c1 = recs.find((r) => r.value.source_id === 'c1')!.value;
    expect(c1.text).to.equal('Fast, friendly "service"');
    expect({ ...c1.metadata }).to.deep.equal({ rating: '5' });
    expect(c1.created_at).to.equal(Date.parse('2024-05-01T10:00:00Z'));
    expect(recs.find((r) => r.value.source_id === 'c2')!.value.text).to.equal('two\nlines');
  });

  it('stops with exit code 1 and a summary when Kafka is unreachable, publishing nothing', async () => {
    const file = path.join(dir, 'down.jsonl');
    writeFileSync(file, `${JSON.stringify({ source_id: 'd1', text: 'one' })}\n`);
    const res = await runProcess('producers/file/main.ts', [file, '--source', 'down', '--tenant', tenant], {
      KAFKA_BROKERS: '127.0.0.1:1',
      IMPORT_RETRIES: '1',
      IMPORT_KAFKA_TIMEOUT_MS: '2000',
      KAFKA_CONNECTION_TIMEOUT_MS: '300',
    });
    expect(res.code).to.equal(1);
    expect(res.stdout.trim()).to.equal('read 1, published 0, rejected 0');
    expect(res.stderr).to.include('re-running the file is safe');
  });
});
