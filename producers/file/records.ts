/**
 * Turns lines into candidate documents: JSON Lines (one JSON object per line) or CSV (RFC 4180: a
 * header row, quoted fields may contain commas, quotes ("") and line breaks). A CSV record keeps the
 * number of the line it starts on. Blank lines are skipped.
 *
 * CSV columns map to document fields by name; `metadata.<key>` columns fill `metadata`; an empty cell
 * is an absent field. An unknown column stops the import before anything is published.
 */
import type { Line } from './lines';

export type RecordResult =
  | { lineNo: number; value: unknown; bytesRead: number }
  | { lineNo: number; error: string; raw?: string | Buffer; bytesRead: number };

export const CSV_FIELDS = ['source', 'source_id', 'text', 'created_at', 'entity', 'author_id', 'url', 'lang'];

export class CsvHeaderError extends Error {}

export async function* jsonlRecords(lines: AsyncIterable<Line>): AsyncGenerator<RecordResult> {
  for await (const line of lines) {
    if ('error' in line) {
      yield { lineNo: line.lineNo, error: line.error, raw: line.raw, bytesRead: line.bytesRead };
      continue;
    }
    if (line.text.trim() === '') continue;
    try {
      yield { lineNo: line.lineNo, value: JSON.parse(line.text), bytesRead: line.bytesRead };
    } catch (err) {
      yield {
        lineNo: line.lineNo,
        error: `not valid JSON: ${(err as Error).message}`,
        raw: line.text,
        bytesRead: line.bytesRead,
      };
    }
  }
}

/** Splits CSV text into fields; `open` says whether a quoted field is still open at the end. */
function parseCsvChunk(
  text: string,
  state: { fields: string[]; field: string; inQuotes: boolean; quoted: boolean },
): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (state.inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          state.field += '"';
          i++;
        } else {
          state.inQuotes = false;
        }
      } else {
        state.field += c;
      }
    } else if (c === '"' && state.field === '' && !state.quoted) {
      state.inQuotes = true;
      state.quoted = true;
    } else if (c === ',') {
      state.fields.push(state.field);
      state.field = '';
      state.quoted = false;
    } else {
      state.field += c;
    }
  }
}

export async function* csvRecords(lines: AsyncIterable<Line>): AsyncGenerator<RecordResult> {
  let header: string[] | undefined;
  let state = { fields: [] as string[], field: '', inQuotes: false, quoted: false };
  let startLine = 0;
  let broken: string | undefined;
  let brokenRaw: Buffer | undefined;

  for await (const line of lines) {
    const continuing = state.inQuotes;
    if (!continuing) {
      startLine = line.lineNo;
      broken = undefined;
      brokenRaw = undefined;
    }
    if ('error' in line) {
      // The record containing this line is rejected; keep parsing structure with the line skipped.
      broken = broken ?? line.error;
      brokenRaw = brokenRaw ?? line.raw;
      if (!continuing) {
        yield { lineNo: line.lineNo, error: line.error, raw: line.raw, bytesRead: line.bytesRead };
        state = { fields: [], field: '', inQuotes: false, quoted: false };
      }
      continue;
    }
    if (!continuing && line.text.trim() === '') continue;
    if (continuing) state.field += '\n';
    parseCsvChunk(line.text, state);
    if (state.inQuotes) continue;
    state.fields.push(state.field);
    const fields = state.fields;
    state = { fields: [], field: '', inQuotes: false, quoted: false };

    if (!header) {
      header = fields.map((f) => f.trim());
      const unknown = header.filter((h) => !CSV_FIELDS.includes(h) && !/^metadata\.[^.]+/.test(h));
      if (unknown.length) {
        throw new CsvHeaderError(
          `unknown CSV column(s) ${unknown.map((u) => `'${u}'`).join(', ')}; known: ${CSV_FIELDS.join(', ')}, metadata.<key>`,
        );
      }
      for (const required of ['source_id', 'text']) {
        if (!header.includes(required))
          throw new CsvHeaderError(`the CSV header must have a '${required}' column`);
      }
      continue;
    }
    if (broken) {
      yield { lineNo: startLine, error: broken, raw: brokenRaw, bytesRead: line.bytesRead };
      continue;
    }
    if (fields.length !== header.length) {
      yield {
        lineNo: startLine,
        error: `has ${fields.length} fields, the header has ${header.length}`,
        raw: fields.join(','),
        bytesRead: line.bytesRead,
      };
      continue;
    }
    const doc: Record<string, unknown> = {};
    const metadata: Record<string, string> = {};
    header.forEach((name, i) => {
      const value = fields[i]!;
      if (value === '') return;
      if (name.startsWith('metadata.')) metadata[name.slice('metadata.'.length)] = value;
      else doc[name] = value;
    });
    if (Object.keys(metadata).length) doc.metadata = metadata;
    yield { lineNo: startLine, value: doc, bytesRead: line.bytesRead };
  }
  if (state.inQuotes) {
    yield {
      lineNo: startLine,
      error: 'a quoted field is not closed before the end of the file',
      bytesRead: 0,
    };
  }
}
