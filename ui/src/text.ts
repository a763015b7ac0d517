/**
 * Pure text helpers (no DOM), shared by the pages and unit-tested on their own: cutting a text into
 * plain and highlighted segments by UTF-16 offsets, and reading Elasticsearch highlight fragments
 * without ever handing them to the HTML parser.
 */

export interface Segment {
  text: string;
  /** Index into the spans passed in; absent for plain text. */
  span?: number;
}

export interface Span {
  from: number;
  to: number;
}

/**
 * Splits `text` at the spans' UTF-16 offsets (JavaScript string indices, `to` exclusive), which is
 * what the API's `highlight` and aspect `from`/`to` are. Spans out of range are clamped; overlapping
 * ones keep the earlier span, so every character appears exactly once.
 */
export function splitBySpans(text: string, spans: readonly Span[]): Segment[] {
  const order = spans
    .map((s, i) => ({ from: clamp(s.from, text.length), to: clamp(s.to, text.length), i }))
    .filter((s) => s.to > s.from)
    .sort((a, b) => a.from - b.from || a.i - b.i);
  const out: Segment[] = [];
  let pos = 0;
  for (const s of order) {
    if (s.from < pos) continue;
    if (s.from > pos) out.push({ text: text.slice(pos, s.from) });
    out.push({ text: text.slice(s.from, s.to), span: s.i });
    pos = s.to;
  }
  if (pos < text.length || out.length === 0) out.push({ text: text.slice(pos) });
  return out;
}

function clamp(n: number, max: number): number {
  return Math.max(0, Math.min(max, Math.trunc(n)));
}

export interface Fragment {
  text: string;
  match: boolean;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  '#x27': "'",
  '#x2F': '/',
  '#x2f': '/',
  '#47': '/',
};

/**
 * Reads one highlight fragment of the search API (the text HTML-escaped, matches wrapped in
 * `<em>`…`</em>`) into plain-text pieces flagged as match or not. Only the exact `<em>` markers are
 * structure; every other `<`, `&`… in the review stays text.
 */
export function parseHighlight(fragment: string): Fragment[] {
  const out: Fragment[] = [];
  const re = /<em>([\s\S]*?)<\/em>/g;
  let pos = 0;
  for (let m = re.exec(fragment); m; m = re.exec(fragment)) {
    if (m.index > pos) out.push({ text: unescapeHtml(fragment.slice(pos, m.index)), match: false });
    out.push({ text: unescapeHtml(m[1] ?? ''), match: true });
    pos = m.index + m[0].length;
  }
  if (pos < fragment.length) out.push({ text: unescapeHtml(fragment.slice(pos)), match: false });
  return out;
}

export function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27|#x2[Ff]|#47);/g, (_, name: string) => ENTITIES[name] ?? '');
}
