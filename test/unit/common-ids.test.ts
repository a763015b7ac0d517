import { expect } from 'chai';
import { aspectMentionId, documentEventId, uuidv5 } from '../../common/ids/index';

describe('common/ids', () => {
  it('computes RFC 9562 UUIDv5 (the DNS-namespace example)', () => {
    expect(uuidv5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).to.equal(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('gives a document the same event id every time, and different ids to different tenants or sources', () => {
    const id = documentEventId('acme', 'app-store', '123');
    expect(documentEventId('acme', 'app-store', '123')).to.equal(id);
    expect(documentEventId('other', 'app-store', '123')).to.not.equal(id);
    expect(documentEventId('acme', 'play-store', '123')).to.not.equal(id);
    expect(documentEventId('acme', 'a', 'b/c')).to.not.equal(documentEventId('acme', 'a/b', 'c'));
    expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives a mention an id from its document and offsets', () => {
    const doc = documentEventId('acme', 's', '1');
    expect(aspectMentionId(doc, 4, 11)).to.equal(aspectMentionId(doc, 4, 11));
    expect(aspectMentionId(doc, 4, 11)).to.not.equal(aspectMentionId(doc, 4, 12));
  });
});
