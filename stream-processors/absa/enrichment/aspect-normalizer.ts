import pluralize from 'pluralize';

/**
 * Normalizes an aspect term to a grouping key: lower case, inner whitespace collapsed,
 * surrounding punctuation stripped, and the head noun (last word) made singular, so
 * "Batteries", "battery" and "the battery " group together while "battery life" stays distinct.
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

function singular(word: string): string {
  // pluralize only knows English; leave non-Latin words and short tokens ("os", "ui") alone.
  if (word.length <= 3 || !/^[a-z'-]+$/.test(word)) return word;
  return pluralize.singular(word);
}
