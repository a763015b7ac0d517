import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CategoryHead, OpinionHead } from '../../stream-processors/absa/model/aspect-heads.js';
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

  // hidden 1, one distance bucket: features [h ; h * a ; inside, before, after]
  const write = (weights: number[][]): void =>
    writeFileSync(
      path.join(dir, 'opinions.json'),
      JSON.stringify({
        format: 'token-linear-bio-1',
        tags: ['O', 'B', 'I'],
        distance_buckets: [1e9],
        weights,
        bias: [0, 0, 0],
      }),
    );

  it('tags tokens from their states and never tags the target itself', () => {
    // B when h > 0 (weight 4 on h for B), else O; distance columns unused
    write([
      [0, 0, 0, 0, 0],
      [4, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    const head = OpinionHead.load(dir, 1)!;
    // one row of 5 positions: [CLS] t1 t2 t3 [SEP]; h = 0, 1, 1, -1, 0; target at position 1
    const data = Float32Array.from([0, 1, 1, -1, 0]);
    const { tags } = head.tag(data, 0, 3, 1, 2, Float32Array.from([1]));
    expect(Array.from(tags)).to.deep.equal([0, 1, 0]);
  });

  it('is absent without opinions.json and rejects weights of the wrong size', () => {
    expect(OpinionHead.load(dir, 1)).to.equal(null);
    write([[0], [0], [0]]);
    expect(() => OpinionHead.load(dir, 1)).to.throw(
      ModelArtifactError,
      /weights\[0\] has 1 values, expected 5/,
    );
  });
});
