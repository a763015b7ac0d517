import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { cosine, type Embedder } from '../embedding';

export const OTHER_CATEGORY = 'other';
export const DOMAINS = ['restaurants', 'electronics', 'apps', 'generic'] as const;
export type Domain = (typeof DOMAINS)[number];

const TaxonomyFile = z
  .object({
    domain: z.string().min(1),
    version: z.string().min(1),
    description: z.string().optional(),
    threshold: z.number().min(0).max(1),
    categories: z
      .array(z.object({ name: z.string().min(1), seeds: z.array(z.string().min(1)).min(1) }))
      .min(1),
    /**
     * Synonyms and variants grouped under one aspect: canonical normalized aspect -> the normalized
     * forms reported as it ("battery" <- "battery life", "batteries" is grouped by normalization already).
     */
    aliases: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).optional(),
    /**
     * The model's learned categories (its categories.json labels) -> this taxonomy's categories. A
     * learned label at or above min_confidence decides the category unless the aspect is a seed term;
     * labels not listed here, low confidence, or a model without the head fall back to seed matching.
     */
    learned: z
      .object({
        min_confidence: z.number().min(0).max(1),
        labels: z.record(z.string().min(1), z.string().min(1)),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Taxonomy = z.infer<typeof TaxonomyFile>;

const TAXONOMY_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Reads and validates `<domain>.v<N>.json`; a seed under two categories is an error. */
export function loadTaxonomy(domain: string, file = path.join(TAXONOMY_DIR, `${domain}.v1.json`)): Taxonomy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read taxonomy ${file}: ${(err as Error).message}`);
  }
  const parsed = TaxonomyFile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid taxonomy ${file}: ${issues}`);
  }
  const owner = new Map<string, string>();
  for (const c of parsed.data.categories) {
    if (c.name === OTHER_CATEGORY)
      throw new Error(`invalid taxonomy ${file}: '${OTHER_CATEGORY}' is reserved`);
    for (const seed of c.seeds) {
      const key = seed.toLowerCase();
      const first = owner.get(key);
      if (first && first !== c.name) {
        throw new Error(
          `invalid taxonomy ${file}: seed '${seed}' is listed under both '${first}' and '${c.name}'`,
        );
      }
      owner.set(key, c.name);
    }
  }
  const names = new Set(parsed.data.categories.map((c) => c.name));
  for (const [label, category] of Object.entries(parsed.data.learned?.labels ?? {})) {
    if (!names.has(category)) {
      throw new Error(
        `invalid taxonomy ${file}: learned label '${label}' maps to unknown category '${category}'`,
      );
    }
  }
  const canonicalOf = new Map<string, string>();
  const aliases = parsed.data.aliases ?? {};
  for (const [canonical, variants] of Object.entries(aliases)) {
    for (const variant of variants) {
      const first = canonicalOf.get(variant);
      if ((first && first !== canonical) || variant in aliases) {
        throw new Error(
          `invalid taxonomy ${file}: alias '${variant}' of '${canonical}' is ${first ? `also an alias of '${first}'` : 'itself a canonical aspect'}`,
        );
      }
      canonicalOf.set(variant, canonical);
    }
  }
  return parsed.data;
}

export interface CategoryMatch {
  readonly category: string;
  /**
   * Cosine similarity to the nearest seed term (0 when no seed is near enough); for a learned
   * category, the model's confidence in it.
   */
  readonly similarity: number;
  /** how it was decided: a seed term itself, the model's learned category, or the nearest seed */
  readonly source?: 'seed' | 'learned' | 'nearest';
}

/** A learned category the model gave one aspect in context (sentiment-model.ts AspectCategory). */
export interface LearnedCategory {
  readonly label: string;
  readonly confidence: number;
}

/**
 * Assigns each normalized aspect the category of its nearest seed term in embedding space.
 * Aspects repeat a lot ("food", "service"), so results are cached per aspect (bounded); a seed term
 * itself needs no embedding, and a term already being embedded for a concurrent call is awaited
 * rather than embedded twice.
 */
export class CategoryAssigner {
  private readonly cache = new Map<string, CategoryMatch>();
  private readonly inFlight = new Map<string, Promise<Map<string, CategoryMatch>>>();
  /** Exact (lower-cased) seed terms: they win outright, whatever the embeddings say. */
  private readonly exact = new Map<string, CategoryMatch>();
  /** variant -> canonical aspect (the taxonomy's aliases) */
  private readonly canonicalOf = new Map<string, string>();

  private constructor(
    readonly taxonomy: Taxonomy,
    private readonly embedder: Embedder,
    private readonly seeds: { category: string; term: string; vector: Float32Array }[],
    private readonly maxCache: number,
  ) {
    for (const seed of seeds) {
      const key = seed.term.toLowerCase();
      if (!this.exact.has(key))
        this.exact.set(key, { category: seed.category, similarity: 1, source: 'seed' });
    }
    for (const [canonical, variants] of Object.entries(taxonomy.aliases ?? {})) {
      for (const v of variants) this.canonicalOf.set(v, canonical);
    }
  }

  /** The aspect a normalized term is reported as in this domain: its alias group's name, else itself. */
  canonical(aspect: string): string {
    return this.canonicalOf.get(aspect) ?? aspect;
  }

  static async create(taxonomy: Taxonomy, embedder: Embedder, maxCache = 50_000): Promise<CategoryAssigner> {
    const terms = taxonomy.categories.flatMap((c) => c.seeds.map((term) => ({ category: c.name, term })));
    const vectors = await embedder.embed(terms.map((t) => t.term));
    const seeds = terms.map((t, i) => ({ ...t, vector: vectors[i]! }));
    return new CategoryAssigner(taxonomy, embedder, seeds, maxCache);
  }

  get version(): string {
    return this.taxonomy.version;
  }

  /**
   * Categories for normalized aspects, in order. A seed term gets its own category; else the model's
   * learned category for that mention (same index in `learned`), when the taxonomy maps its label and
   * it is confident enough; else the nearest seed. All terms that need seeds are embedded in one call.
   */
  async assign(
    aspects: readonly string[],
    learned: readonly (LearnedCategory | undefined)[] = [],
  ): Promise<CategoryMatch[]> {
    const byModel = aspects.map((aspect, i) =>
      this.exact.has(aspect) ? undefined : this.fromLearned(learned[i]),
    );
    const bySeeds = await this.assignBySeeds(aspects.map((a, i) => (byModel[i] ? '' : a)));
    return bySeeds.map((match, i) => byModel[i] ?? match);
  }

  private fromLearned(learned: LearnedCategory | undefined): CategoryMatch | undefined {
    const config = this.taxonomy.learned;
    if (!learned || !config || learned.confidence < config.min_confidence) return undefined;
    const category = config.labels[learned.label];
    return category ? { category, similarity: learned.confidence, source: 'learned' } : undefined;
  }

  private async assignBySeeds(aspects: readonly string[]): Promise<CategoryMatch[]> {
    // Matches this call needs, held here so that cache eviction by other calls cannot lose them.
    const found = new Map<string, CategoryMatch>();
    const missing: string[] = [];
    const pending = new Set<Promise<Map<string, CategoryMatch>>>();
    for (const aspect of new Set(aspects)) {
      if (!aspect) continue;
      const known = this.exact.get(aspect) ?? this.cache.get(aspect);
      if (known) {
        found.set(aspect, known);
        continue;
      }
      const running = this.inFlight.get(aspect);
      if (running) pending.add(running);
      else missing.push(aspect);
    }
    if (missing.length) pending.add(this.embedMissing(missing));
    for (const matches of await Promise.all(pending)) {
      for (const [aspect, match] of matches) found.set(aspect, match);
    }
    return aspects.map((a) => found.get(a) ?? { category: OTHER_CATEGORY, similarity: 0 });
  }

  private embedMissing(missing: string[]): Promise<Map<string, CategoryMatch>> {
    const matches = this.embedder.embed(missing).then((vectors) => {
      const out = new Map<string, CategoryMatch>();
      missing.forEach((aspect, i) => {
        const match = this.nearest(vectors[i]!);
        out.set(aspect, match);
        this.remember(aspect, match);
      });
      return out;
    });
    const settled = matches.finally(() => {
      for (const aspect of missing) if (this.inFlight.get(aspect) === settled) this.inFlight.delete(aspect);
    });
    for (const aspect of missing) this.inFlight.set(aspect, settled);
    return settled;
  }

  /** The nearest seed of a term that is not a seed itself (assign answers those from `exact`). */
  private nearest(vector: Float32Array): CategoryMatch {
    let best = { category: OTHER_CATEGORY, similarity: 0 };
    for (const seed of this.seeds) {
      const similarity = cosine(vector, seed.vector);
      if (similarity > best.similarity) best = { category: seed.category, similarity };
    }
    return best.similarity >= this.taxonomy.threshold
      ? { ...best, source: 'nearest' }
      : { category: OTHER_CATEGORY, similarity: best.similarity, source: 'nearest' };
  }

  private remember(aspect: string, match: CategoryMatch): void {
    if (this.cache.size >= this.maxCache) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(aspect, match);
  }
}
