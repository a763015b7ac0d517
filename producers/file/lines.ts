/**
 * Reads a file as lines of bytes and decodes each strictly as UTF-8: a line with invalid UTF-8
 * becomes an error naming the byte offset, never replacement characters in published text.
 * Handles \n and \r\n endings and a UTF-8 byte order mark at the start.
 */
import { createReadStream } from 'node:fs';

export type Line =
  | { lineNo: number; text: string; bytesRead: number }
  | { lineNo: number; error: string; raw: Buffer; bytesRead: number };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Offset of the first byte of the first malformed UTF-8 sequence (RFC 3629 rules). */
export function firstInvalidByte(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

export function decodeLine(bytes: Buffer, lineNo: number, bytesRead: number): Line {
  let b = bytes;
  if (b.length > 0 && b[b.length - 1] === 0x0d) b = b.subarray(0, b.length - 1);
  if (lineNo === 1 && b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  try {
    return { lineNo, text: decoder.decode(b), bytesRead };
  } catch {
    const at = firstInvalidByte(b);
    return {
      lineNo,
      error: `invalid UTF-8 at byte ${at + 1} of the line (bytes 0x${b.subarray(at, at + 4).toString('hex')}); the file must be UTF-8`,
      raw: b,
      bytesRead,
    };
  }
}

export async function* readLines(path: string): AsyncGenerator<Line> {
  let carry: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  let bytesRead = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      bytesRead += nl - start + 1;
      yield decodeLine(buf.subarray(start, nl), ++lineNo, bytesRead);
      start = nl + 1;
    }
    buf = buf.subarray(start);
    carry = Buffer.from(buf);
  }
  if (carry.length > 0) {
    bytesRead += carry.length;
    yield decodeLine(carry, ++lineNo, bytesRead);
  }
}
