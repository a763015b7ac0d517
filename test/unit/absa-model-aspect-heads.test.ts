import { expect } from 'chai';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  CategoryHead,
  loadOpinionHead,
  PolarityHead,
} from '../../stream-processors/absa/model/aspect-heads.js';
import { ModelArtifactError } from '../../stream-processors/absa/model/model-artifact.js';

describe('ABSA model: category head file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'absa-heads-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (content: unknown): void =>
    writeFileSync(path.join(dir, 'categories.json'), JSON.stringify(content));
  // hidden size 2: features are [h_CLS (2) ; mean h over the target (2)]
  const head = {
    format: 'linear-softmax-1',
    labels: ['food', 'service'],
    label_map: { food: ['food'], SERVICE: ['service'] },
    weights: [
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ],
    bias: [0, 0],
  };

  it('is absent (null) when the artifact has no categories.json', () => {
    expect(CategoryHead.load(dir, 2)).to.equal(null);
  });

  it('picks the label with the largest logit and gives its softmax probability', () => {
    write(head);
    const h = CategoryHead.load(dir, 2)!;
    const c = h.classify(Float32Array.from([5, 5, 0, 2]));
    expect(c.label).to.equal('service');
    expect(c.confidence).to.be.closeTo(1 / (1 + Math.exp(-2)), 1e-6);
    expect(h.labelMap.SERVICE).to.deep.equal(['service']);
  });

  it('rejects weights that do not fit the model states, naming the file', () => {
    write({
      ...head,
      weights: [
        [0, 0, 1],
        [0, 0, 0],
      ],
    });
    expect(() => CategoryHead.load(dir, 2))
      .to.throw(ModelArtifactError, /weights\[0\] has 3 values.*need 4/)
      .with.property('message')
      .that.includes('categories.json');
  });

  it('rejects a label map naming an unknown label', () => {
    write({ ...head, label_map: { food: ['dessert'] } });
    expect(() => CategoryHead.load(dir, 2)).to.throw(ModelArtifactError, /label_map.food: "dessert"/);
  });
});

describe('ABSA model: opinion head file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'absa-heads-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeSpec = (spec: Record<string, unknown>): void =>
    writeFileSync(
      path.join(dir, 'opinions.json'),
      JSON.stringify({ tags: ['O', 'B', 'I'], distance_buckets: [1e9], ...spec }),
    );
  // hidden 1, one distance bucket: features [h ; h * a ; inside, before, after]
  const writeLinear = (weights: number[][]): void =>
    writeSpec({ format: 'token-linear-bio-1', weights, bias: [0, 0, 0] });
  const states = (rows: number[][]): ort.Tensor =>
    new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0]!.length, 1]);

  it('tags tokens from their states and never tags the target itself (linear head)', async () => {
    // B when h > 0 (weight 4 on h for B), else O; distance columns unused
    writeLinear([
      [0, 0, 0, 0, 0],
      [4, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    const head = (await loadOpinionHead(dir, 1, 1))!;
    // one row of 5 positions: [CLS] t1 t2 t3 [SEP]; h = 0, 1, 1, -1, 0; target at position 1
    const [row] = await head.tagBatch(states([[0, 1, 1, -1, 0]]), 5, [
      { len: 3, from: 1, to: 2, aspect: Float32Array.from([1]) },
    ]);
    expect(Array.from(row!.tags)).to.deep.equal([0, 1, 0]);
  });

  it('is absent without opinions.json and rejects weights of the wrong size', async () => {
    expect(await loadOpinionHead(dir, 1, 1)).to.equal(null);
    writeLinear([[0], [0], [0]]);
    let error: unknown;
    await loadOpinionHead(dir, 1, 1).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ModelArtifactError);
    expect(String(error)).to.match(/weights\[0\] has 1 values, expected 5/);
  });

  describe('the MLP in an ONNX graph', () => {
    // test/fixtures/opinion-head/make_fixture.py: B where 4 h_t + 2 h_t+1 > 0.5, else O
    const fixture = path.join(import.meta.dirname, '../fixtures/opinion-head/opinions.onnx');
    const useGraph = (name = 'opinions.onnx'): void => {
      copyFileSync(fixture, path.join(dir, name));
      writeSpec({ format: 'token-mlp-onnx-1', model: name });
    };

    it('tags every row of a padded batch from its states and the next token’s, never the target', async () => {
      useGraph();
      const head = (await loadOpinionHead(dir, 1, 1))!;
      try {
        // row 0: [CLS] t1 t2 t3 [SEP], h = 0, 0, 1, -1, 0, target t3 (position 3): t1 is B only through
        // its next token (2 x 1), t2 through itself (4 - 2); row 1: [CLS] t1 [SEP] pad pad, target t1
        const tagged = await head.tagBatch(
          states([
            [0, 0, 1, -1, 0],
            [0, 1, 0, 9, 9],
          ]),
          5,
          [
            { len: 3, from: 3, to: 4, aspect: new Float32Array(1) },
            { len: 1, from: 1, to: 2, aspect: new Float32Array(1) },
          ],
        );
        expect(tagged.map((t) => Array.from(t.tags))).to.deep.equal([[1, 1, 0], [0]]);
        expect(tagged[1]!.probs[0]).to.equal(1);
      } finally {
        await head.release();
      }
    });

    it('names what is wrong: a missing graph, a graph for other states, a path outside the folder', async () => {
      const failure = async (): Promise<string> => {
        let error: unknown;
        await loadOpinionHead(dir, 1, 1).catch((e: unknown) => (error = e));
        expect(error).to.be.instanceOf(ModelArtifactError);
        return String(error);
      };
      writeSpec({ format: 'token-mlp-onnx-1', model: 'opinions.onnx' });
      expect(await failure()).to.match(/opinions\.json: names opinions\.onnx, which is missing/);
      useGraph('head.onnx');
      let error: unknown;
      await loadOpinionHead(dir, 384, 1).catch((e: unknown) => (error = e));
      expect(String(error)).to.match(/head\.onnx: takes hidden states of size 1, the model's are 384/);
      writeSpec({ format: 'token-mlp-onnx-1', model: '../opinions.onnx' });
      expect(await failure()).to.match(/model.*\.onnx file name inside the artifact folder/);
    });
  });
});

describe('ABSA model: polarity head file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'absa-heads-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // test/fixtures/polarity-head/make_fixture.py: logits = (max h over the text, mean h over the
  // target, mean h over the text)
  const useGraph = (model = 'polarity.onnx', localWindow = 0): void => {
    copyFileSync(
      path.join(
        import.meta.dirname,
        `../fixtures/polarity-head/${localWindow ? 'polarity-local' : 'polarity'}.onnx`,
      ),
      path.join(dir, 'polarity.onnx'),
    );
    writeFileSync(
      path.join(dir, 'polarity.json'),
      JSON.stringify({
        format: localWindow ? 'pooled-mlp-onnx-2' : 'pooled-mlp-onnx-1',
        model,
        polarities: ['negative', 'neutral', 'positive'],
        ...(localWindow ? { local_window: localWindow } : {}),
      }),
    );
  };
  const softmax = (z: number[]): number[] => {
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    return e.map((v) => v / e.reduce((a, b) => a + b));
  };

  it('pools the target and the text only (not [CLS], [SEP] or padding) for each row of a batch', async () => {
    useGraph();
    const head = (await PolarityHead.load(dir, 1, 1))!;
    try {
      // row 0: [CLS] 1 2 3 [SEP] pad, target the 2; row 1: [CLS] 4 [SEP] pad pad pad, no target token
      const states = new ort.Tensor(
        'float32',
        Float32Array.from([5, 1, 2, 3, 9, 100, 7, 4, 9, 100, 100, 100]),
        [2, 6, 1],
      );
      const [first, second] = await head.polarities(states, 6, [
        { len: 3, from: 2, to: 3, aspect: new Float32Array(1) },
        { len: 1, from: 1, to: 1, aspect: new Float32Array(1) },
      ]);
      // max 3, target 2, mean 2; then max 4, target = [CLS] 7, mean 4
      const close = (got: Float32Array, want: number[]): void =>
        want.forEach((p, i) => expect(got[i]).to.be.closeTo(p, 1e-5));
      close(first!, softmax([3, 2, 2]));
      close(second!, softmax([4, 7, 4]));
    } finally {
      await head.release();
    }
  });

  it('also pools the text tokens within local_window of the target (format 2), never [CLS], [SEP] or padding', async () => {
    useGraph('polarity.onnx', 1);
    const head = (await PolarityHead.load(dir, 1, 1))!;
    try {
      // polarity-local.onnx: logits = (max near the target, mean near the target, mean over the target)
      // row 0: [CLS] 1 4 2 3 7 [SEP], target the 2; row 1: [CLS] 6 1 [SEP] pad pad pad, target the 6
      const states = new ort.Tensor(
        'float32',
        Float32Array.from([5, 1, 4, 2, 3, 7, 100, 5, 6, 1, 100, 100, 100, 100]),
        [2, 7, 1],
      );
      const [first, second] = await head.polarities(states, 7, [
        { len: 5, from: 3, to: 4, aspect: new Float32Array(1) },
        { len: 2, from: 1, to: 2, aspect: new Float32Array(1) },
      ]);
      // near the 2: 4 2 3 (the text's 7 is two tokens away); near the 6: 6 1 (no [CLS] before it)
      const close = (got: Float32Array, want: number[]): void =>
        want.forEach((p, i) => expect(got[i]).to.be.closeTo(p, 1e-5));
      close(first!, softmax([4, 3, 2]));
      close(second!, softmax([6, 3.5, 6]));
    } finally {
      await head.release();
    }
  });

  it('is absent without polarity.json and names what is wrong with one', async () => {
    expect(await PolarityHead.load(dir, 1, 1)).to.equal(null);
    const failure = async (hidden: number): Promise<string> => {
      let error: unknown;
      await PolarityHead.load(dir, hidden, 1).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(ModelArtifactError);
      return String(error);
    };
    useGraph('other.onnx');
    expect(await failure(1)).to.match(/polarity\.json: names other\.onnx, which is missing/);
    useGraph();
    expect(await failure(384)).to.match(/polarity\.onnx: takes hidden states of size 1, the model's are 384/);
  });
});
