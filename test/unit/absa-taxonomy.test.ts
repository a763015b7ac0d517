import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Embedder } from '../../stream-processors/absa/embedding';
import { CategoryAssigner, DOMAINS, loadTaxonomy } from '../../stream-processors/absa/taxonomy/taxonomy';

/** Embeds a text as a unit vector over a few hand-picked "meaning" axes, so similarity is predictable. */
class AxisEmbedder implements Embedder {
  readonly dimensions = 3;
  calls = 0;
  embedded: string[] = [];
  private readonly axes: Record<string, number[]> = {
    food: [1, 0, 0],
    pasta: [0.9, 0.1, 0],
    waiter: [0, 1, 0],
    staff: [0.1, 0.95, 0],
    noise: [0, 0, 1],
  };
  async embed(texts: string[]): Promise<Float32Array[]> {
    this.calls++;
    this.embedded.push(...texts);
    await new Promise((r) => setTimeout(r, 5));
    return texts.map((t) => {
      const v = this.axes[t] ?? [0.3, 0.3, 0.3];
      const n = Math.hypot(...v);
      return Float32Array.from(v.map((x) => x / n));
    });
  }
}

function taxonomyFile(content: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'taxonomy-')), 'test.v1.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('ABSA taxonomy', () => {
  it('ships a valid, versioned taxonomy for every supported domain', () => {
    for (const domain of DOMAINS) {
      const taxonomy = loadTaxonomy(domain);
      expect(taxonomy.domain).to.equal(domain);
      expect(taxonomy.version).to.match(new RegExp(`^${domain}-\\d+$`));
      expect(taxonomy.categories.length).to.be.greaterThan(3);
    }
  });

  it('refuses a taxonomy that lists one seed under two categories, naming both', () => {
    const file = taxonomyFile({
      domain: 'x',
      version: 'x-1',
      threshold: 0.5,
      categories: [
        { name: 'service', seeds: ['staff'] },
        { name: 'people', seeds: ['Staff'] },
      ],
    });
    expect(() => loadTaxonomy('x', file)).to.throw(
      /seed 'Staff' is listed under both 'service' and 'people'/,
    );
  });

  it('refuses a taxonomy with a missing threshold, naming the field', () => {
    const file = taxonomyFile({ domain: 'x', version: 'x-1', categories: [{ name: 'a', seeds: ['b'] }] });
    expect(() => loadTaxonomy('x', file)).to.throw(/threshold/);
  });

  /** Seeds "food" and "waiter", threshold 0.9, over an AxisEmbedder that counts its calls. */
  const foodAndService = async () => {
    const embedder = new AxisEmbedder();
    const assigner = await CategoryAssigner.create(
      {
        domain: 'restaurants',
        version: 'restaurants-9',
        threshold: 0.9,
        categories: [
          { name: 'food', seeds: ['food'] },
          { name: 'service', seeds: ['waiter'] },
        ],
      },
      embedder,
    );
    return { embedder, assigner };
  };

  it('gives the nearest seed category above the threshold, else other, and caches per aspect', async () => {
    const { embedder, assigner } = await foodAndService();
    const [pasta, staff, noise] = await assigner.assign(['pasta', 'staff', 'noise']);
    expect(pasta!.category).to.equal('food');
    expect(staff!.category).to.equal('service');
    expect(noise!.category).to.equal('other');
    const calls = embedder.calls;
    await assigner.assign(['pasta', 'staff']);
    expect(embedder.calls).to.equal(calls);
    expect(assigner.version).to.equal('restaurants-9');
  });

  it('embeds no seed term, and each unknown term once even for concurrent calls', async () => {
    const { embedder, assigner } = await foodAndService();
    embedder.embedded = [];
    const calls = embedder.calls;
    const [first, second] = await Promise.all([
      assigner.assign(['waiter', 'pasta', 'food', 'pasta', 'staff']),
      assigner.assign(['staff', 'pasta']),
    ]);
    expect(first!.map((m) => m.category)).to.deep.equal(['service', 'food', 'food', 'food', 'service']);
    expect(first![0]!.similarity).to.equal(1);
    expect(second!.map((m) => m.category)).to.deep.equal(['service', 'food']);
    expect(embedder.calls - calls).to.equal(1);
    expect(embedder.embedded.sort()).to.deep.equal(['pasta', 'staff']);
  });
});
