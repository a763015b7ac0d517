import { expect } from 'chai';
import { normalizeText, toOriginalSpan } from '../../stream-processors/absa/enrichment/text-normalizer';
import { LanguageDetector } from '../../stream-processors/absa/enrichment/language-detector';
import { SentenceSplitter } from '../../stream-processors/absa/enrichment/sentence-splitter';
import { normalizeAspect } from '../../stream-processors/absa/enrichment/aspect-normalizer';

describe('ABSA enrichment', () => {
  describe('text normalization', () => {
    it('removes control characters and maps offsets back to the original text', () => {
      const original = 'The\u0000 pasta\u200B was great';
      const n = normalizeText(original);
      expect(n.text).to.equal('The pasta was great');
      const from = n.text.indexOf('pasta');
      const span = toOriginalSpan(n, from, from + 'pasta'.length);
      expect(original.slice(span.from, span.to)).to.equal('pasta');
    });

    it('composes decomposed accents (NFC) and still slices the original term', () => {
      const original = 'Le cafe\u0301 au lait was cold'; // "café" written with a combining accent
      const n = normalizeText(original);
      expect(n.text).to.equal('Le caf\u00e9 au lait was cold');
      const from = n.text.indexOf('caf\u00e9 au lait');
      const span = toOriginalSpan(n, from, from + 'caf\u00e9 au lait'.length);
      expect(original.slice(span.from, span.to)).to.equal('cafe\u0301 au lait');
    });

    it('keeps emoji (surrogate pairs) intact so later offsets stay exact', () => {
      const original = 'Love it 😍 but the battery dies';
      const n = normalizeText(original);
      expect(n.text).to.equal(original);
      const from = n.text.indexOf('battery');
      expect(toOriginalSpan(n, from, from + 7)).to.deep.equal({ from, to: from + 7 });
    });

    it('turns newlines and tabs into spaces without moving offsets', () => {
      const n = normalizeText('Good food.\nBad\tservice.');
      expect(n.text).to.equal('Good food. Bad service.');
      expect(toOriginalSpan(n, 11, 14)).to.deep.equal({ from: 11, to: 14 });
    });
  });

  describe('language detection', () => {
    const detector = new LanguageDetector('en');

    it('prefers a well-formed language hint over detection', () => {
      expect(detector.detect('The food was great.', 'ko-KR')).to.deep.equal({
        language: 'ko',
        method: 'hint',
      });
    });

    it('ignores a malformed hint and detects the language of the text', () => {
      expect(
        detector.detect('La comida estaba deliciosa pero el servicio fue lento.', 'spanish!!'),
      ).to.deep.equal({
        language: 'es',
        method: 'detected',
      });
    });

    it('detects Korean and German text', () => {
      expect(detector.detect('배터리가 오래가고 화면이 밝아요').language).to.equal('ko');
      expect(detector.detect('Das Essen war gut, aber der Service war langsam.').language).to.equal('de');
    });

    it('falls back to the configured language when the text is too short to tell', () => {
      expect(detector.detect('ok')).to.deep.equal({ language: 'en', method: 'fallback' });
    });
  });

  describe('sentence splitting', () => {
    it('splits into trimmed sentences with offsets into the text', () => {
      const text = '  The pasta was great.  But the waiter was rude!  Would I come back? Maybe. ';
      const sentences = new SentenceSplitter().split(text, 'en');
      expect(sentences.map((s) => s.text)).to.deep.equal([
        'The pasta was great.',
        'But the waiter was rude!',
        'Would I come back?',
        'Maybe.',
      ]);
      for (const s of sentences) expect(text.slice(s.from, s.to)).to.equal(s.text);
    });

    it('gives no sentence for whitespace-only text', () => {
      expect(new SentenceSplitter().split(' \n ', 'en')).to.deep.equal([]);
    });
  });

  describe('aspect normalization', () => {
    it('groups plural and singular, case and surrounding punctuation', () => {
      expect(normalizeAspect('Batteries')).to.equal('battery');
      expect(normalizeAspect('battery')).to.equal('battery');
      expect(normalizeAspect(' "Battery Life", ')).to.equal('battery life');
      expect(normalizeAspect('Dishes')).to.equal('dish');
      expect(normalizeAspect('prices')).to.equal('price');
    });

    it('leaves words that only look plural and non-English terms alone', () => {
      expect(normalizeAspect('glass')).to.equal('glass');
      expect(normalizeAspect('service')).to.equal('service');
      expect(normalizeAspect('OS')).to.equal('os');
      expect(normalizeAspect('배터리')).to.equal('배터리');
    });

    it('keeps plurals whose singular means something else', () => {
      expect(normalizeAspect('Mains')).to.equal('mains');
      expect(normalizeAspect('our mains')).to.equal('our mains');
      expect(normalizeAspect('fries')).to.equal('fries');
      expect(normalizeAspect('French Fries')).to.equal('french fries');
      expect(normalizeAspect('glasses')).to.equal('glasses');
      expect(normalizeAspect('headphones')).to.equal('headphones');
      expect(normalizeAspect('graphics')).to.equal('graphics');
      // ordinary plurals next to them still group with their singular
      expect(normalizeAspect('wine glass')).to.equal('wine glass');
      expect(normalizeAspect('main courses')).to.equal('main course');
      expect(normalizeAspect('Speakers')).to.equal('speaker');
      expect(normalizeAspect('the acoustics')).to.equal('the acoustics');
      expect(normalizeAspect('logistics')).to.equal('logistics');
      expect(normalizeAspect('vocals')).to.equal('vocals');
    });

    it('gets the singulars right where the plural rules do not', () => {
      expect(normalizeAspect('cookies')).to.equal('cookie');
      expect(normalizeAspect('camera lenses')).to.equal('camera lens');
      expect(normalizeAspect('canvases')).to.equal('canvas');
      expect(normalizeAspect('knives')).to.equal('knife');
      expect(normalizeAspect('potatoes')).to.equal('potato');
    });
  });
});
