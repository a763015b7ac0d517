import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI_DIR = path.resolve('stream-processors/absa/model/cli');
const MODEL = path.resolve('test/fixtures/absa-model/tiny-bio');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(script: 'predict' | 'eval', args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(CLI_DIR, `${script}.ts`), ...args],
      { env: { ...process.env, ABSA_MODEL_DIR: '', ABSA_THREADS: '', ABSA_BATCH_SIZE: '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const line = (id: string, text: string, aspects: [string, string][] = []) =>
  JSON.stringify({
    id,
    text,
    lang: 'en',
    aspects: aspects.map(([term, polarity]) => ({
      term,
      from: text.indexOf(term),
      to: text.indexOf(term) + term.length,
      polarity,
    })),
  });

describe('ABSA model command line', function () {
  this.timeout(60000);
  const dir = mkdtempSync(path.join(tmpdir(), 'absa-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, lines: string[]) => {
    const p = path.join(dir, name);
    writeFileSync(p, lines.join('\n') + '\n');
    return p;
  };

  describe('absa:predict', () => {
    it('prints one JSON object with the aspects and sentence sentiment of a text', async () => {
      const run = await cli('predict', ['--model', MODEL, 'The pasta was great but the waiter was rude.']);
      expect(run.code, run.stderr).to.equal(0);
      const out = JSON.parse(run.stdout);
      expect(out.aspects).to.deep.equal([
        { term: 'pasta', from: 4, to: 9, polarity: 'positive', confidence: 0.9647 },
        { term: 'waiter', from: 28, to: 34, polarity: 'negative', confidence: 0.9647 },
      ]);
      expect(out.sentiment.polarity).to.be.oneOf(['negative', 'neutral', 'positive']);
      expect(Object.keys(out.sentiment.scores)).to.deep.equal(['negative', 'neutral', 'positive']);
    });

    it('prints one line per JSONL line, in order, with analyze and targeted results', async () => {
      const data = file('predict.jsonl', [
        line('a', 'The pasta was great but the waiter was rude.', [['the waiter', 'positive']]),
        line('b', 'Nothing here.'),
        '',
        JSON.stringify({ id: 7, text: 'The 😀 food.' }),
      ]);
      const run = await cli('predict', ['--data', data], { ABSA_MODEL_DIR: MODEL, ABSA_THREADS: '1' });
      expect(run.code, run.stderr).to.equal(0);
      const out = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(out.map((o) => o.id)).to.deep.equal(['a', 'b', 7]);
      // aspects come from the model, not from the input labels
      expect(out[0].aspects.map((a: { term: string }) => a.term)).to.deep.equal(['pasta', 'waiter']);
      expect(out[0].targeted).to.have.length(1);
      expect(out[0].targeted[0]).to.include({ from: 24, to: 34, polarity: 'negative' });
      expect(Object.keys(out[0].targeted[0])).to.deep.equal(['from', 'to', 'polarity', 'confidence']);
      expect(out[1]).to.deep.equal({ id: 'b', aspects: [], targeted: [] });
      expect(out[2].aspects[0]).to.include({ term: 'food', from: 7, to: 11 });
    });

    it('names the file and line of bad input and exits non-zero', async () => {
      const data = file('bad.jsonl', [
        line('a', 'fine'),
        line('b', 'fine too'),
        '{"id": "c", "text": "broken',
        JSON.stringify({
          id: 'd',
          text: 'short',
          aspects: [{ term: 'x', from: 3, to: 99, polarity: 'positive' }],
        }),
        JSON.stringify({ id: 'e' }),
      ]);
      const run = await cli('predict', ['--model', MODEL, '--data', data]);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.equal('');
      expect(run.stderr).to.include(`${data}:3: bad JSON`);
      expect(run.stderr).to.include(`${data}:4: aspects.0: offsets [3, 99)`);
      expect(run.stderr).to.include(`${data}:5: text:`);
    });

    it('names a missing input file', async () => {
      const run = await cli('predict', ['--model', MODEL, '--data', path.join(dir, 'nope.jsonl')]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('nope.jsonl: cannot be read (ENOENT)');
    });

    it('names a missing model folder', async () => {
      const run = await cli('predict', ['--model', path.join(dir, 'no-model'), 'text']);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include(`${path.join(dir, 'no-model')}: model artifact folder not found`);
    });

    it('rejects bad usage with exit code 2', async () => {
      expect((await cli('predict', ['--model', MODEL])).code).to.equal(2);
      expect((await cli('predict', ['--model', MODEL, '--threads', '0', 'x'])).stderr).to.include(
        '--threads',
      );
      expect((await cli('predict', ['--model', MODEL, '--bogus', 'x'])).code).to.equal(2);
    });

    it('names a bad ABSA_THREADS', async () => {
      const run = await cli('predict', ['--model', MODEL, 'x'], { ABSA_THREADS: 'lots' });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('ABSA_THREADS');
    });
  });

  describe('absa:eval', () => {
    it('scores extraction, targeted polarity and end-to-end on gold data', async () => {
      const data = file('gold.jsonl', [
        line('1', 'The pasta was great but the waiter was rude.', [
          ['pasta', 'positive'],
          ['waiter', 'negative'],
        ]),
        line('2', 'The food was good and the battery life too.', [
          ['food', 'conflict'],
          ['battery life', 'negative'],
        ]),
        line('3', 'Nothing to see here.'),
        line('4', 'The staff was friendly.', [
          ['staff', 'positive'],
          ['staff', 'negative'],
        ]),
        line('5', 'pasta'),
      ]);
      const run = await cli('eval', ['--model', MODEL, '--data', data, '--threads', '1']);
      expect(run.code, run.stderr).to.equal(0);
      const report = JSON.parse(run.stdout);
      expect(report).to.include({
        sentences: 5,
        // extraction: 5 right, "pasta" on line 5 extra
        ate_precision: 0.8333,
        ate_recall: 1,
        ate_f1: 0.9091,
        // targeted on gold: pasta, waiter, staff (negative) right; battery life, staff (positive) wrong
        apc_accuracy: 0.6,
        apc_macro_f1: 0.3889, // (1/2 + 2/3 + 0) / 3
        // food (conflict) and battery life (wrong polarity) and line 5 are false positives
        e2e_precision: 0.5,
        e2e_recall: 0.6,
        e2e_f1: 0.5455,
      });
      expect(report.sentences_per_second).to.be.a('number').greaterThan(0);
      expect(report.peak_rss_mb).to.be.a('number').greaterThan(0);
    });

    it("scores a document polarity file: the whole text, and the processor's document polarity", async () => {
      const doc = (id: string, text: string, polarity: string) =>
        JSON.stringify({ id, text, lang: 'en', polarity });
      const data = file('documents.jsonl', [
        doc('1', 'The food was great and tasty.', 'positive'),
        doc('2', 'It was slow, cold and rude.', 'negative'),
        // two clear sentences of either side: the processor averages English sentences and says mixed
        doc('3', 'The food was great and tasty. It was slow, cold and rude.', 'positive'),
      ]);
      const run = await cli('eval', ['--model', MODEL, '--data', data, '--threads', '1']);
      expect(run.code, run.stderr).to.equal(0);
      const report = JSON.parse(run.stdout);
      expect(report).to.include({
        documents: 3,
        document_accuracy_processor: 0.6667,
        document_mixed_processor: 1,
        sentences_per_document: 1.33,
      });
      expect(report.document_accuracy).to.be.at.least(0.6667);
      expect(report).to.not.have.property('ate_f1');
    });

    it('needs gold aspects on every line', async () => {
      const data = file('nogold.jsonl', [line('1', 'pasta'), JSON.stringify({ id: '2', text: 'pasta' })]);
      const run = await cli('eval', ['--model', MODEL, '--data', data]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include(`${data}:2: aspects: missing (gold aspects, or a document "polarity"`);
    });

    it('refuses a file with no sentences', async () => {
      const run = await cli('eval', ['--model', MODEL, '--data', file('empty.jsonl', [''])]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('no sentences to evaluate');
    });
  });
});
