/**
 * Reading a growing log file line by line from a committed position, and keeping those positions
 * on disk, so a restarted shipper resumes where Elasticsearch last acknowledged and no line is read
 * twice into different documents or skipped.
 *
 * A file is identified by its inode: a file replaced under the same name (rotation) or truncated
 * (`: > file`) starts a new generation at offset 0. The generation is part of each line's document
 * id, so lines of the new file never collide with ids of the old one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';

export interface Position {
  /** `dev:ino` of the file the offset belongs to. */
  inode: string;
  /** Bytes of the file already shipped (always at a line boundary). */
  offset: number;
  /** Incremented whenever the file is replaced or truncated. */
  generation: number;
}

export interface Line {
  /** Byte offset of the line's start in its file. */
  offset: number;
  text: string;
}

export interface Chunk {
  lines: Line[];
  /** Position after the last complete line read: what to commit once they are shipped. */
  next: Position;
  /** The file changed identity or shrank since the position was committed. */
  reset: boolean;
  /** File size at read time (for the backlog metric). */
  size: number;
}

/** Positions of every followed file, written atomically (temp file + rename). */
export class PositionStore {
  private positions: Record<string, Position>;

  constructor(private readonly file: string) {
    let loaded: Record<string, Position> = {};
    try {
      loaded = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Position>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`cannot read ${file}: ${String(err)}`);
    }
    this.positions = loaded;
  }

  get(file: string): Position | undefined {
    return this.positions[file];
  }

  set(file: string, position: Position): void {
    this.positions[file] = position;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.positions, null, 2));
    renameSync(tmp, this.file);
  }
}

const NEWLINE = 0x0a;

/**
 * Reads up to `maxBytes` of complete lines after `position` (undefined: the file was never read).
 * Returns undefined when the file does not exist. A trailing line without its newline yet is left
 * for the next read, unless a single line is longer than `maxBytes` (then it is cut there).
 */
export async function readLines(
  file: string,
  position: Position | undefined,
  maxBytes: number,
): Promise<Chunk | undefined> {
  let info;
  try {
    info = await stat(file, { bigint: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const inode = `${info.dev}:${info.ino}`;
  let start: Position = position ?? { inode, offset: 0, generation: 0 };
  let reset = false;
  if (position && (position.inode !== inode || info.size < position.offset)) {
    start = { inode, offset: 0, generation: position.generation + 1 };
    reset = true;
  }
  if (info.size <= start.offset) return { lines: [], next: start, reset, size: info.size };

  const length = Math.min(maxBytes, info.size - start.offset);
  const buffer = Buffer.alloc(length);
  const handle = await open(file, 'r');
  let read: number;
  try {
    ({ bytesRead: read } = await handle.read(buffer, 0, length, start.offset));
  } finally {
    await handle.close();
  }
  let end = buffer.lastIndexOf(NEWLINE, read - 1) + 1;
  // One line longer than a whole batch: ship what was read rather than never moving on.
  if (end === 0 && read === maxBytes) end = read;
  const lines: Line[] = [];
  let from = 0;
  while (from < end) {
    let to = buffer.indexOf(NEWLINE, from);
    if (to === -1 || to >= end) to = end;
    const text = buffer.subarray(from, to).toString('utf8').replace(/\r$/, '');
    if (text.trim() !== '') lines.push({ offset: start.offset + from, text });
    from = to + 1;
  }
  return { lines, next: { ...start, offset: start.offset + end }, reset, size: info.size };
}
