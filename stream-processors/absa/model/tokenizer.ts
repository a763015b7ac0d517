/**
 * WordPiece tokenization with exact UTF-16 offsets, on Hugging Face `tokenizers` (Rust bindings).
 *
 * The bindings report offsets in Unicode code points; JavaScript strings index UTF-16 code units, so
 * every character outside the Basic Multilingual Plane (emoji, 𝔘) before a token shifts it by one.
 * We convert, so that text.slice(starts[i], ends[i]) is exactly the token's source text.
 */
import { existsSync } from 'node:fs';
import { Tokenizer } from 'tokenizers';
import { ModelArtifactError } from './model-artifact.js';

/** One text's content tokens (no [CLS]/[SEP]), as flat typed arrays. */
export interface TokenizedText {
  ids: Int32Array;
  /** UTF-16 offsets per token */
  starts: Int32Array;
  ends: Int32Array;
  /** 1 where a token begins a word (the pre-tokenizer's words), 0 where it continues one */
  wordStarts: Uint8Array;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Maps code-point offsets to UTF-16 offsets for `text`: result[cp] is the UTF-16 index of code point cp
 * (result has one entry past the end). Returns null when the two agree (no astral characters).
 */
export function codePointToUtf16Map(text: string): Int32Array | null {
  if (!SURROGATE.test(text)) return null;
  const map = new Int32Array(text.length + 1);
  let cp = 0;
  let unit = 0;
  while (unit < text.length) {
    map[cp++] = unit;
    const code = text.charCodeAt(unit);
    const astral =
      code >= 0xd800 &&
      code <= 0xdbff &&
      unit + 1 < text.length &&
      (text.charCodeAt(unit + 1) & 0xfc00) === 0xdc00;
    unit += astral ? 2 : 1;
  }
  map[cp] = unit;
  return map.subarray(0, cp + 1);
}

export class WordPieceTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly clsId: number,
    readonly sepId: number,
    readonly padId: number,
    readonly file: string,
  ) {}

  static fromFile(file: string): WordPieceTokenizer {
    if (!existsSync(file)) throw new ModelArtifactError('missing', file);
    let tokenizer: Tokenizer;
    try {
      tokenizer = Tokenizer.fromFile(file);
    } catch (cause) {
      throw new ModelArtifactError(`is not a valid tokenizer file (${(cause as Error).message})`, file, {
        cause,
      });
    }
    // windowing is ours: the file's own truncation or padding would cut or pad behind our back
    tokenizer.disableTruncation();
    tokenizer.disablePadding();
    const id = (token: string): number => {
      const value = tokenizer.tokenToId(token);
      if (value === null || value === undefined) {
        throw new ModelArtifactError(`vocabulary has no ${token} token`, file);
      }
      return value;
    };
    return new WordPieceTokenizer(tokenizer, id('[CLS]'), id('[SEP]'), id('[PAD]'), file);
  }

  async encodeBatch(texts: readonly string[]): Promise<TokenizedText[]> {
    if (texts.length === 0) return [];
    const encodings = await this.tokenizer.encodeBatch([...texts], { addSpecialTokens: false });
    return encodings.map((encoding, k) => {
      const text = texts[k]!;
      const ids = Int32Array.from(encoding.getIds());
      const offsets = encoding.getOffsets();
      const n = ids.length;
      const starts = new Int32Array(n);
      const ends = new Int32Array(n);
      const map = codePointToUtf16Map(text);
      const words = encoding.getWordIds();
      const wordStarts = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        wordStarts[i] = i === 0 || words[i] == null || words[i] !== words[i - 1] ? 1 : 0;
        const offset = offsets[i]!;
        const start = offset[0]!;
        const end = offset[1]!;
        starts[i] = map ? map[start]! : start;
        ends[i] = map ? map[end]! : end;
      }
      return { ids, starts, ends, wordStarts };
    });
  }

  async encode(text: string): Promise<TokenizedText> {
    return (await this.encodeBatch([text]))[0]!;
  }
}
