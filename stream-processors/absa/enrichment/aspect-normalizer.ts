import pluralize from 'pluralize';

/**
 * Normalizes an aspect term to a grouping key: lower case, inner whitespace collapsed,
 * surrounding punctuation stripped, and the head noun (last word) made singular, so
 * "Batteries", "battery" and "the battery " group together while "battery life" stays distinct.
 * Synonyms and variants ("battery life" for "battery") are grouped per domain afterwards, by the
 * taxonomy's aliases (taxonomy.ts canonicalAspect).
 */
export function normalizeAspect(term: string): string {
  const words = term
    .normalize('NFC')
    .toLowerCase()
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return '';
  const last = words.length - 1;
  words[last] = singular(words[last]!);
  return words.join(' ');
}

/**
 * Plurals whose singular is another thing or not said of it: "mains" (main courses) is not "main",
 * "fries" not "fry", "glasses" (spectacles, or a set of them) not "glass", "graphics" not "graphic".
 * They stay as written; so do the pluralia tantum reviews use (headphones, jeans, scissors).
 */
const KEEP_PLURAL = new Set([
  'mains',
  'fries',
  'glasses',
  'sunglasses',
  'chips',
  'greens',
  'grits',
  'sweets',
  'nachos',
  'graphics',
  'specs',
  'electronics',
  'settings',
  'headphones',
  'earphones',
  'earbuds',
  'jeans',
  'pants',
  'trousers',
  'shorts',
  'scissors',
  'goggles',
  'tongs',
  'clothes',
  'news',
  'series',
  'analytics',
  'premises',
  'amenities',
  'toiletries',
  'refreshments',
  // fields of study and qualities, not a count of things: "the acoustics", "logistics"
  'acoustics',
  'aesthetics',
  'ergonomics',
  'logistics',
  'lyrics',
  'vocals',
]);

/** Singulars the pluralize library gets wrong for words reviews use ("cookies" → "cooky"). */
const SINGULAR = new Map([
  ['cookies', 'cookie'],
  ['lenses', 'lens'],
  ['canvases', 'canvas'],
  ['biases', 'bias'],
  ['atlases', 'atlas'],
]);

function singular(word: string): string {
  // pluralize only knows English; leave non-Latin words and short tokens ("os", "ui") alone.
  if (word.length <= 3 || !/^[a-z'-]+$/.test(word)) return word;
  if (KEEP_PLURAL.has(word)) return word;
  return SINGULAR.get(word) ?? pluralize.singular(word);
}
