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

  it('uses one category name per concept across the shipped domains (no price/pricing pair)', () => {
    const names = DOMAINS.flatMap((d) => loadTaxonomy(d).categories.map((c) => c.name));
    expect(names).to.not.include('pricing');
    expect(names.filter((n) => n === 'price')).to.have.length(DOMAINS.length);
  });

  it('groups variants under one aspect per taxonomy ("battery life" is "battery" in electronics)', async () => {
    const assigner = await CategoryAssigner.create(loadTaxonomy('electronics'), new AxisEmbedder());
    expect(assigner.canonical('battery life')).to.equal('battery');
    expect(assigner.canonical('battery')).to.equal('battery');
    expect(assigner.canonical('camera')).to.equal('camera');
    const restaurants = await CategoryAssigner.create(loadTaxonomy('restaurants'), new AxisEmbedder());
    expect(restaurants.canonical('main course')).to.equal('mains');
    expect(restaurants.canonical('pricing')).to.equal('price');
  });

  it('takes a confident learned category unless the term is a seed, and falls back to seeds otherwise', async () => {
    const embedder = new AxisEmbedder();
    const assigner = await CategoryAssigner.create(
      {
        domain: 'x',
        version: 'x-1',
        threshold: 0.5,
        learned: { min_confidence: 0.6, labels: { service: 'service', food: 'food' } },
        categories: [
          { name: 'food', seeds: ['food'] },
          { name: 'service', seeds: ['waiter'] },
          { name: 'speed', seeds: ['wait'] },
        ],
      },
      embedder,
    );
    embedder.embedded = [];
    const matches = await assigner.assign(
      ['table', 'wait', 'staff', 'pasta', 'pasta'],
      [
        { label: 'service', confidence: 0.9 }, // learned wins over the nearest seed
        { label: 'service', confidence: 0.9 }, // a seed term keeps its own category
        { label: 'service', confidence: 0.4 }, // not confident: nearest seed (waiter)
        { label: 'restaurant', confidence: 0.9 }, // label the taxonomy does not map: nearest seed
        undefined, // no learned category (another domain, or no head)
      ],
    );
    expect(matches.map((m) => [m.category, m.source])).to.deep.equal([
      ['service', 'learned'],
      ['speed', 'seed'],
      ['service', 'nearest'],
      ['food', 'nearest'],
      ['food', 'nearest'],
    ]);
    // learned mentions cost no embedding
    expect(embedder.embedded).to.not.include('table');
  });

  it('refuses learned labels mapped to unknown categories and an alias in two groups', () => {
    const base = {
      domain: 'x',
      version: 'x-1',
      threshold: 0.5,
      categories: [{ name: 'food', seeds: ['food'] }],
    };
    expect(() =>
      loadTaxonomy(
        'x',
        taxonomyFile({ ...base, learned: { min_confidence: 0.5, labels: { drinks: 'drinks' } } }),
      ),
    ).to.throw(/learned label 'drinks' maps to unknown category 'drinks'/);
    expect(() =>
      loadTaxonomy(
        'x',
        taxonomyFile({ ...base, aliases: { mains: ['main course'], entree: ['main course'] } }),
      ),
    ).to.throw(/alias 'main course' of 'entree' is also an alias of 'mains'/);
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
