import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CategoryHead } from '../../stream-processors/absa/model/aspect-heads.js';
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
