import { expect } from 'chai';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelArtifactError } from '../../stream-processors/absa/model/model-artifact.js';
import { codePointToUtf16Map, WordPieceTokenizer } from '../../stream-processors/absa/model/tokenizer.js';

const TOKENIZER = path.resolve('test/fixtures/absa-model/tiny-bio/tokenizer.json');

describe('ABSA model tokenizer', () => {
  const tokenizer = WordPieceTokenizer.fromFile(TOKENIZER);
  const pieces = async (text: string) => {
    const t = await tokenizer.encode(text);
    return Array.from(t.starts, (s, i) => text.slice(s, t.ends[i]));
  };

  it('gives offsets that slice each token out of the original text', async () => {
    expect(await pieces('The pasta was great, but the waiter was rude.')).to.deep.equal([
      'The',
      'pasta',
      'was',
      'great',
      ',',
      'but',
      'the',
      'waiter',
      'was',
      'rude',
      '.',
    ]);
  });

  it('converts code-point offsets to UTF-16 offsets after emoji and other astral characters', async () => {
    const text = 'I 😀😀 love the 𝔘 pasta 👍🏽 and the waiter';
    expect(await pieces(text)).to.deep.equal([
      'I',
      '😀😀',
      'love',
      'the',
      '𝔘',
      'pasta',
      '👍🏽',
      'and',
      'the',
      'waiter',
    ]);
    const t = await tokenizer.encode(text);
    expect(t.starts[5]).to.equal(text.indexOf('pasta'));
    expect(t.ends[9]).to.equal(text.length);
  });

  it('maps normalized text (lower case, stripped accents) back to the original characters', async () => {
    const text = 'Crème Brûlée';
    expect(await pieces(text)).to.deep.equal(['Cr', 'ème', 'Br', 'ûlée']);
  });

  it('adds no special tokens and ignores the truncation set in tokenizer.json', async () => {
    const text = Array.from({ length: 40 }, () => 'pasta').join(' ');
    const t = await tokenizer.encode(text);
    expect(t.ids.length).to.equal(40); // the fixture's tokenizer.json truncates at 16
    expect(tokenizer.clsId).to.not.equal(t.ids[0]);
  });

  it('encodes an empty text to no tokens', async () => {
    expect((await tokenizer.encode('')).ids.length).to.equal(0);
  });

  it('maps code points to UTF-16 units only when the text has astral characters', () => {
    expect(codePointToUtf16Map('plain café')).to.equal(null);
    expect(Array.from(codePointToUtf16Map('a😀b')!)).to.deep.equal([0, 1, 3, 4]);
  });

  it('names the file when the tokenizer is missing or corrupt', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'absa-tok-'));
    const missing = path.join(dir, 'nope.json');
    expect(() => WordPieceTokenizer.fromFile(missing))
      .to.throw(ModelArtifactError)
      .with.property('message')
      .that.includes(missing);
    const corrupt = path.join(dir, 'tokenizer.json');
    writeFileSync(corrupt, '{"version": "1.0", "model": ');
    expect(() => WordPieceTokenizer.fromFile(corrupt)).to.throw(ModelArtifactError, corrupt);
  });

  it('refuses a vocabulary without [CLS], [SEP] or [PAD]', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'absa-tok-'));
    const json = JSON.parse(readFileSync(TOKENIZER, 'utf8'));
    json.model.vocab['[SEPARATOR]'] = json.model.vocab['[SEP]'];
    delete json.model.vocab['[SEP]'];
    json.added_tokens = json.added_tokens.filter((t: { content: string }) => t.content !== '[SEP]');
    json.post_processor = null;
    const file = path.join(dir, 'tokenizer.json');
    writeFileSync(file, JSON.stringify(json));
    expect(() => WordPieceTokenizer.fromFile(file)).to.throw(ModelArtifactError, /\[SEP\]/);
  });
});
