import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { WordPieceTokenizer } from '../../stream-processors/absa/model/tokenizer.js';

const GLOSSES = path.resolve('models/data/emoji/glosses.tsv');
const ARTIFACT = path.resolve('models/absa/minilm-absa-en-1.0.0');

/** models/data/emoji/glosses.tsv as [emoji, gloss] pairs (comments and blank lines skipped). */
function glosses(): [string, string][] {
  return readFileSync(GLOSSES, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split('\t') as [string, string]);
}

describe('emoji glosses (models/data/emoji/glosses.tsv, in the English tokenizer)', () => {
  it('lists each emoji once, bare (no variation selector or skin tone), with a gloss of words', () => {
    const rows = glosses();
    expect(rows.length).to.be.greaterThan(100);
    const seen = new Set<string>();
    for (const [emoji, gloss] of rows) {
      expect(emoji, `${emoji} ${gloss}`).to.match(/^\p{Extended_Pictographic}+$/u);
      const modifier = [...emoji].find((c) => c === '\uFE0F' || (c >= '\u{1F3FB}' && c <= '\u{1F3FF}'));
      expect(modifier, emoji).to.equal(undefined);
      expect(
        gloss.split(' ').every((word) => /^[a-z]+$/.test(word)),
        `${emoji} ${gloss}`,
      ).to.equal(true);
      expect(seen.has(emoji), `${emoji} twice`).to.equal(false);
      seen.add(emoji);
    }
  });

  it('is what the shipped tokenizer.json replaces, every gloss on its emoji’s offsets', async () => {
    const tokenizer = WordPieceTokenizer.fromFile(path.join(ARTIFACT, 'tokenizer.json'));
    for (const [emoji, gloss] of glosses()) {
      // with a skin tone and a variation selector, as people type them
      const text = `ok ${emoji}\u{1F3FD}\uFE0F ok`;
      const [tokens, plain] = await tokenizer.encodeBatch([text, `ok ${gloss} ok`]);
      expect(Array.from(tokens!.ids), `${emoji} -> ${gloss}`).to.deep.equal(Array.from(plain!.ids));
      const at = text.indexOf(emoji);
      for (let i = 1; i < tokens!.ids.length - 1; i++) {
        const [from, to] = [tokens!.starts[i]!, tokens!.ends[i]!];
        expect(from >= at && to <= text.length - 3, emoji).to.equal(true);
        expect(text.slice(from, to), emoji).to.match(/^\p{Extended_Pictographic}/u);
      }
    }
  });
});
