import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DOMAINS, type Taxonomy } from '../../taxonomy/taxonomy';
import { normalizeKoreanAspect } from './korean-aspect-normalizer';

/**
 * Korean seed terms for the v1 taxonomies, kept as a proposal beside them (taxonomy-seeds.ko.json)
 * rather than inside the taxonomy files: withKoreanSeeds() adds them to a loaded taxonomy, under its
 * existing category names, so Korean aspects ("배터리가" → "배터리") get the same categories as their
 * English counterparts by exact seed match, without depending on a multilingual embedding.
 */
const SeedFile = z
  .object({
    description: z.string().optional(),
    domains: z.record(z.string(), z.record(z.string(), z.array(z.string().min(1)).min(1))),
  })
  .strict();
export type KoreanSeeds = z.infer<typeof SeedFile>;

export const KOREAN_SEEDS_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'taxonomy-seeds.ko.json',
);

/** Reads and checks the seed file: known domains, seeds already in normalized form, no repeats. */
export function loadKoreanSeeds(file = KOREAN_SEEDS_FILE): KoreanSeeds {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read Korean seeds ${file}: ${(err as Error).message}`);
  }
  const parsed = SeedFile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid Korean seeds ${file}: ${issues}`);
  }
  const problems: string[] = [];
  for (const [domain, categories] of Object.entries(parsed.data.domains)) {
    if (!(DOMAINS as readonly string[]).includes(domain)) problems.push(`unknown domain '${domain}'`);
    const owner = new Map<string, string>();
    for (const [category, seeds] of Object.entries(categories)) {
      for (const seed of seeds) {
        const key = normalizeKoreanAspect(seed);
        if (key !== seed)
          problems.push(`${domain}.${category}: seed '${seed}' is not normalized (write '${key}')`);
        const first = owner.get(key);
        if (first !== undefined)
          problems.push(`${domain}: seed '${seed}' is under both '${first}' and '${category}'`);
        owner.set(key, category);
      }
    }
  }
  if (problems.length > 0) throw new Error(`invalid Korean seeds ${file}: ${problems.join('; ')}`);
  return parsed.data;
}

/**
 * The taxonomy with the Korean seeds of its domain appended to its categories. A category the
 * taxonomy does not have, or a Korean seed the taxonomy already files under another category, is an
 * error naming both, so a taxonomy change that breaks the proposal shows at start-up.
 */
export function withKoreanSeeds(taxonomy: Taxonomy, seeds: KoreanSeeds = loadKoreanSeeds()): Taxonomy {
  const extra = seeds.domains[taxonomy.domain] ?? {};
  const names = new Set(taxonomy.categories.map((c) => c.name));
  const unknown = Object.keys(extra).filter((c) => !names.has(c));
  if (unknown.length > 0) {
    throw new Error(
      `Korean seeds for '${taxonomy.domain}' name categories it does not have: ${unknown.join(', ')}`,
    );
  }
  const owner = new Map<string, string>();
  for (const c of taxonomy.categories) for (const s of c.seeds) owner.set(s.toLowerCase(), c.name);
  const conflicts: string[] = [];
  const categories = taxonomy.categories.map((c) => {
    const added = (extra[c.name] ?? []).filter((s) => {
      const first = owner.get(s.toLowerCase());
      if (first !== undefined && first !== c.name) conflicts.push(`'${s}' (${first} / ${c.name})`);
      return first === undefined;
    });
    return { name: c.name, seeds: [...c.seeds, ...added] };
  });
  if (conflicts.length > 0) {
    throw new Error(`Korean seeds for '${taxonomy.domain}' clash with its seeds: ${conflicts.join(', ')}`);
  }
  return { ...taxonomy, version: `${taxonomy.version}+ko`, categories };
}
