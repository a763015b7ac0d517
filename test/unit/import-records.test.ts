import { expect } from 'chai';
import { csvRecords, jsonlRecords, CsvHeaderError, type RecordResult } from '../../producers/file/records';
import { decodeLine, firstInvalidByte, type Line } from '../../producers/file/lines';

async function* linesOf(...parts: Array<string | Buffer>): AsyncGenerator<Line> {
  let n = 0;
  for (const p of parts) yield decodeLine(Buffer.isBuffer(p) ? p : Buffer.from(p), ++n, 0);
}

async function collect(gen: AsyncIterable<RecordResult>): Promise<RecordResult[]> {
  const out: RecordResult[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

describe('import: reading lines and records', () => {
  it('turns a line with invalid UTF-8 into an error naming the byte, never replacement characters', () => {
    const line = decodeLine(Buffer.from([0x61, 0x62, 0xff, 0x63]), 7, 0);
    expect(line)
      .to.have.property('error')
      .that.match(/^invalid UTF-8 at byte 3 of the line/);
    expect(firstInvalidByte(Buffer.from('héllo 😀'))).to.equal(-1);
    expect(firstInvalidByte(Buffer.from([0xed, 0xa0, 0x80]))).to.equal(0); // encoded surrogate
    expect(firstInvalidByte(Buffer.from([0xc0, 0xaf]))).to.equal(0); // overlong
    expect(firstInvalidByte(Buffer.from([0x61, 0xe2, 0x82]))).to.equal(1); // truncated
  });

  it('strips a byte order mark on the first line and a carriage return at the end of lines', () => {
    const first = decodeLine(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0d]), 1, 0);
    expect(first).to.deep.include({ text: 'a' });
  });

  it('skips blank JSONL lines and reports lines that are not JSON with their number', async () => {
    const records = await collect(jsonlRecords(linesOf('{"a":1}', '', '{oops')));
    expect(records).to.have.length(2);
    expect(records[0]).to.deep.include({ lineNo: 1, value: { a: 1 } });
    expect(records[1])
      .to.include({ lineNo: 3 })
      .and.have.property('error')
      .that.match(/^not valid JSON/);
  });

  it('reads CSV records that span lines, with the line number where each starts', async () => {
    const records = await collect(
      csvRecords(linesOf('source_id,text,metadata.stars', '1,"a, ""b""",5', '2,"multi', 'line",', '3,short')),
    );
    expect(records[0]).to.deep.include({
      lineNo: 2,
      value: { source_id: '1', text: 'a, "b"', metadata: { stars: '5' } },
    });
    expect(records[1]).to.deep.include({ lineNo: 3, value: { source_id: '2', text: 'multi\nline' } });
    expect(records[2]).to.include({ lineNo: 5, error: 'has 2 fields, the header has 3' });
  });

  it('stops on an unknown CSV column before reading any record', async () => {
    let error: unknown;
    await collect(csvRecords(linesOf('source_id,text,stars', '1,a,5'))).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(CsvHeaderError);
    expect((error as Error).message).to.include("'stars'");
  });
});
