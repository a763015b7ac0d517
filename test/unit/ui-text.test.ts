import { expect } from 'chai';
import { parseHighlight, splitBySpans } from '../../ui/src/text';

describe('Dashboard text helpers', () => {
  describe('splitBySpans', () => {
    it('cuts at UTF-16 offsets, so a span after emoji covers exactly its term', () => {
      const text = 'Love it 😀😀 but the price is steep.';
      const from = text.indexOf('price');
      const segs = splitBySpans(text, [{ from, to: from + 5 }]);
      expect(segs).to.deep.equal([
        { text: 'Love it 😀😀 but the ' },
        { text: 'price', span: 0 },
        { text: ' is steep.' },
      ]);
    });

    it('keeps every character once with overlapping, unsorted and out-of-range spans', () => {
      const text = 'battery and screen';
      const segs = splitBySpans(text, [
        { from: 12, to: 18 },
        { from: 0, to: 7 },
        { from: 4, to: 10 },
        { from: 30, to: 40 },
      ]);
      expect(segs.map((s) => s.text).join('')).to.equal(text);
      expect(segs.filter((s) => s.span !== undefined).map((s) => [s.text, s.span])).to.deep.equal([
        ['battery', 1],
        ['screen', 0],
      ]);
    });

    it('returns the whole text as one plain segment without spans', () => {
      expect(splitBySpans('', [])).to.deep.equal([{ text: '' }]);
      expect(splitBySpans('abc', [{ from: 2, to: 2 }])).to.deep.equal([{ text: 'abc' }]);
    });
  });

  describe('parseHighlight', () => {
    it('turns only the <em> markers into matches and unescapes the rest as text', () => {
      const fragment =
        'The <em>battery</em> &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#x27;<em>script</em>&#x27; &#x2F;';
      expect(parseHighlight(fragment)).to.deep.equal([
        { text: 'The ', match: false },
        { text: 'battery', match: true },
        { text: ' <img src=x onerror="alert(1)"> & \'', match: false },
        { text: 'script', match: true },
        { text: "' /", match: false },
      ]);
    });

    it('does not unescape twice: an escaped entity in the review stays literal', () => {
      expect(parseHighlight('&amp;lt;b&amp;gt;')).to.deep.equal([{ text: '&lt;b&gt;', match: false }]);
    });
  });
});
