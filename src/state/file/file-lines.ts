// The lines of a letter file, read a chunk at a time: memory holds one chunk and one line, never the
// file, so a file of many large letters is listed, counted and rewritten in flat memory.
import type { FileHandle } from "node:fs/promises";

export interface Line {
  /** Counted from 1, blank lines included, as an editor counts them. */
  readonly number: number;
  readonly text: string;
  /** False only for a last line with no newline after it: one that a crash may have cut short. */
  readonly ended: boolean;
}

/** Bytes read at a time. */
const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/** The lines of the chunks, each yielded as soon as its newline arrives. */
export async function* linesOf(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Line> {
  let parts: Uint8Array[] = [];
  let number = 0;
  for await (const chunk of chunks) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      parts.push(chunk.subarray(start, end));
      number++;
      yield { number, text: Buffer.concat(parts).toString("utf8"), ended: true };
      parts = [];
      start = end + 1;
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
  }
  if (parts.length > 0)
    yield { number: number + 1, text: Buffer.concat(parts).toString("utf8"), ended: false };
}

/**
 * The file's bytes from its start, a chunk at a time, through `read` (which may bound each read in
 * time). Reading by position leaves the handle free to be read again from the start.
 */
export async function* chunksOf(
  handle: FileHandle,
  read: (work: () => Promise<number>) => Promise<number> = (work) => work(),
): AsyncGenerator<Uint8Array> {
  for (let position = 0; ;) {
    // A new buffer each time: a line may keep a slice of it while the next chunk is read.
    const buffer = Buffer.allocUnsafe(CHUNK);
    const at = position;
    const bytes = await read(async () => (await handle.read(buffer, 0, CHUNK, at)).bytesRead);
    if (bytes === 0) return;
    position += bytes;
    yield buffer.subarray(0, bytes);
  }
}
