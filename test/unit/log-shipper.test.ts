import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseConfig } from '../../common/config/index';
import { dailyIndex, documentId, fallbackDocument, toDocument } from '../../monitoring/log-shipper/documents';
import { logShipperConfigSpec } from '../../monitoring/log-shipper/config';
import { PositionStore, readLines } from '../../monitoring/log-shipper/tailer';
import { expiredIndices, logsIndexTemplate } from '../../monitoring/log-shipper/templates';

describe('log shipper: reading log files', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'log-shipper-'));
    file = path.join(dir, 'api.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads complete lines only and resumes after the last one it returned', async () => {
    writeFileSync(file, '{"a":1}\n{"a":2}\n{"a":');
    const first = await readLines(file, undefined, 1 << 20);
    expect(first!.lines.map((l) => l.text)).to.deep.equal(['{"a":1}', '{"a":2}']);
    expect(first!.lines.map((l) => l.offset)).to.deep.equal([0, 8]);
    expect(first!.next.offset).to.equal(16);
    appendFileSync(file, '3}\n');
    const second = await readLines(file, first!.next, 1 << 20);
    expect(second!.lines).to.deep.equal([{ offset: 16, text: '{"a":3}' }]);
    expect((await readLines(file, second!.next, 1 << 20))!.lines).to.deep.equal([]);
  });

  it('never reads more than a batch, and cuts a single line longer than one', async () => {
    writeFileSync(file, 'aaaa\nbbbb\ncccc\n');
    const chunk = await readLines(file, undefined, 12);
    expect(chunk!.lines.map((l) => l.text)).to.deep.equal(['aaaa', 'bbbb']);
    writeFileSync(file, 'x'.repeat(30));
    const long = await readLines(file, undefined, 10);
    expect(long!.lines.map((l) => l.text)).to.deep.equal(['xxxxxxxxxx']);
    expect(long!.next.offset).to.equal(10);
  });

  it('starts a new generation from the beginning when the file is truncated or replaced', async () => {
    writeFileSync(file, 'one\ntwo\n');
    const a = await readLines(file, undefined, 1024);
    truncateSync(file, 0);
    appendFileSync(file, 'three\n');
    const b = await readLines(file, a!.next, 1024);
    expect(b!.reset).to.equal(true);
    expect(b!.next.generation).to.equal(1);
    expect(b!.lines.map((l) => l.text)).to.deep.equal(['three']);
    writeFileSync(path.join(dir, 'new.log'), 'four\n');
    renameSync(path.join(dir, 'new.log'), file);
    const c = await readLines(file, b!.next, 1024);
    expect(c!.reset).to.equal(true);
    expect(c!.lines.map((l) => l.text)).to.deep.equal(['four']);
  });

  it('answers nothing for a file that does not exist yet', async () => {
    expect(await readLines(path.join(dir, 'missing.log'), undefined, 1024)).to.equal(undefined);
  });

  it('keeps positions across instances (a restarted shipper resumes where it committed)', () => {
    const state = path.join(dir, 'state', 'positions.json');
    new PositionStore(state).set(file, { inode: '1:2', offset: 42, generation: 3 });
    expect(new PositionStore(state).get(file)).to.deep.equal({ inode: '1:2', offset: 42, generation: 3 });
  });
});

describe('log shipper: documents', () => {
  const source = {
    file: '/x/sink-postgres.log',
    service: 'sink-postgres',
    position: { inode: '1:2', generation: 0 },
  };
  const now = new Date('2026-12-03T10:00:00Z');

  it('keeps an ECS line as written, adds its file and ingest time, and files it by its own timestamp', () => {
    const line = {
      offset: 0,
      text: '{"@timestamp":"2026-12-02T23:59:59.000Z","log.level":"info","message":"hi","service":{"name":"sink-postgres"},"trace":{"id":"abc"}}',
    };
    const d = toDocument('absa-logs', source, line, now);
    expect(d.index).to.equal('absa-logs-2026.12.02');
    expect(d.doc).to.deep.include({ message: 'hi', 'log.level': 'info', trace: { id: 'abc' } });
    expect(d.doc.log).to.deep.equal({ file: { path: '/x/sink-postgres.log' } });
    expect(d.doc.event).to.deep.equal({ ingested: now.toISOString() });
  });

  it('keeps a line that is not JSON as its message, with the file’s service', () => {
    const d = toDocument('absa-logs', source, { offset: 5, text: 'TypeError: boom' }, now);
    expect(d.doc).to.deep.include({
      message: 'TypeError: boom',
      '@timestamp': now.toISOString(),
      service: { name: 'sink-postgres' },
    });
    expect(d.index).to.equal('absa-logs-2026.12.03');
  });

  it('gives the same line the same id, and another offset, generation or file another one', () => {
    const line = { offset: 7, text: 'x' };
    const id = documentId(source, line);
    expect(documentId(source, { offset: 7, text: 'y' })).to.equal(id);
    expect(documentId(source, { offset: 8, text: 'x' })).to.not.equal(id);
    expect(documentId({ ...source, position: { inode: '1:2', generation: 1 } }, line)).to.not.equal(id);
    expect(documentId({ ...source, file: '/x/api.log' }, line)).to.not.equal(id);
  });

  it('turns a refused line into a plain-text document with the reason', () => {
    const raw = '{"message":"m","error":"a string where an object belongs"}';
    const d = toDocument('absa-logs', source, { offset: 0, text: raw }, now);
    const f = fallbackDocument(d, raw, 'mapper_parsing_exception: object mapping for [error]');
    expect(f.id).to.equal(`${d.id}-fallback`);
    expect(f.doc).to.deep.include({ message: raw, service: { name: 'sink-postgres' } });
    expect(f.doc.labels).to.deep.equal({
      log_shipper_fallback: 'mapper_parsing_exception: object mapping for [error]',
    });
  });

  it('names daily indices in UTC', () => {
    expect(dailyIndex('absa-logs', new Date('2026-01-31T23:30:00-02:00'))).to.equal('absa-logs-2026.02.01');
  });
});

describe('log shipper: template and retention', () => {
  it('puts every daily index behind the alias with ECS mappings and the retention in _meta', () => {
    const t = logsIndexTemplate('absa-logs', { replicas: 0, retentionDays: 14 });
    expect(t.index_patterns).to.deep.equal(['absa-logs-*']);
    expect(t.template.aliases).to.have.property('absa-logs');
    expect(t._meta.retention_days).to.equal(14);
    expect(t.template.mappings.properties['@timestamp']).to.deep.equal({ type: 'date' });
    expect(t.template.mappings.properties.trace.properties.id.type).to.equal('keyword');
  });

  it('selects daily indices older than the retention, and nothing else', () => {
    const names = [
      'absa-logs-2026.11.18',
      'absa-logs-2026.11.19',
      'absa-logs-2026.12.03',
      'absa-logs-x',
      'absa-logsy-2020.01.01',
      'other-2020.01.01',
    ];
    expect(expiredIndices(names, 'absa-logs', 14, new Date('2026-12-03T12:00:00Z'))).to.deep.equal([
      'absa-logs-2026.11.18',
    ]);
  });
});

describe('log shipper: config', () => {
  it('defaults to the services’ log files of the local stack and rejects a bad file name', () => {
    const c = parseConfig(logShipperConfigSpec, {});
    expect(c.services).to.include.members([
      'collector',
      'processor',
      'sink-postgres',
      'sink-elasticsearch',
      'api',
    ]);
    expect(c.alias).to.equal('absa-logs');
    expect(() => parseConfig(logShipperConfigSpec, { LOG_SHIPPER_SERVICES: '../etc/passwd' })).to.throw(
      /LOG_SHIPPER_SERVICES/,
    );
  });
});
