// How large a letter grows, and how a letter file is read: a record too large is cut to its small
// fields, and the file's lines are read one at a time as the bytes arrive, never the whole file.
import assert from "node:assert/strict";
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { stableStringify } from "../../src/core/canonical-json.js";
import { storedLetter } from "../../src/deadletter/dead-letter-store.js";
import { chunksOf, linesOf, type Line } from "../../src/state/file/file-lines.js";
import {
  cutReason,
  cutRecord,
  MAX_REASON_CHARS,
  MAX_RECORD_BYTES,
} from "../../src/deadletter/letter-size.js";

const ID = "6d1f1f0e-8a4c-4a57-9a1b-000000000001";

describe("a letter's size", () => {
  it("keeps a record that fits whole, and says nothing", () => {
    const record = { id: ID, body: "x".repeat(MAX_RECORD_BYTES - 100) };
    assert.deepEqual(cutRecord(record), { record });
  });

  it("keeps the small fields of a record too large, at any depth, and names the ones left out", () => {
    const record = {
      id: ID,
      version: 12345678901234567890n,
      content: { a: "a".repeat(MAX_RECORD_BYTES), n: 7, b: "b".repeat(200_000), c: "c".repeat(100_000) },
      tags: ["x".repeat(MAX_RECORD_BYTES)],
    };
    const { record: kept, recordCut } = cutRecord(record);
    // b fits the room left once a is out; c then no longer does.
    assert.deepEqual(recordCut, {
      bytes: Buffer.byteLength(stableStringify(record)),
      omitted: ["content.a", "content.c", "tags"],
    });
    assert.deepEqual(kept, {
      id: ID,
      version: 12345678901234567890n,
      content: { n: 7, b: "b".repeat(200_000) },
    });
    assert.ok(Buffer.byteLength(stableStringify(kept)) <= MAX_RECORD_BYTES);
  });

  it("counts bytes, not characters", () => {
    const wide = "é".repeat(MAX_RECORD_BYTES / 2); // two bytes each
    assert.equal(cutRecord({ wide }).recordCut?.omitted[0], "wide");
  });

  it("keeps no record that is not an object, and keeps a field named __proto__ as a field", () => {
    assert.deepEqual(cutRecord("x".repeat(MAX_RECORD_BYTES)), {
      record: null,
      recordCut: { bytes: MAX_RECORD_BYTES + 2, omitted: [] },
    });
    const record = JSON.parse(`{"__proto__": 1, "big": "${"x".repeat(MAX_RECORD_BYTES)}"}`) as Record<
      string,
      never
    >;
    const kept = cutRecord(record).record as Record<string, unknown>;
    assert.deepEqual(Object.keys(kept), ["__proto__"]);
    assert.equal(Object.getPrototypeOf(kept), Object.prototype);
  });

  it("gives the same letter id to a record cut or whole, and cuts a reason that quotes a value", () => {
    const letter = { table: "t", direction: "to-es", from: "cassandra", id: undefined } as const;
    const big = storedLetter("app", "r", new Date(), {
      ...letter,
      reason: "r".repeat(MAX_REASON_CHARS + 1),
      record: { raw: "x".repeat(MAX_RECORD_BYTES) },
    });
    const again = storedLetter("app", "r2", new Date(), {
      ...letter,
      reason: "short",
      record: { raw: "x".repeat(MAX_RECORD_BYTES) },
    });
    assert.equal(big.letterId, again.letterId);
    assert.deepEqual(big.record, {});
    assert.match(big.reason, /\.\.\. \(cut: the reason ran to 16385 characters\)$/);
    assert.equal(cutReason("short"), "short");
  });
});

describe("the lines of a letter file", () => {
  it("yields each line as soon as its newline arrives, before later bytes are read", async () => {
    let pulled = 0;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (const text of ['{"a":1}\n{"b"', ":2}\n", ...Array.from({ length: 1_000 }, () => "{}\n")]) {
        pulled++;
        yield await Promise.resolve(Buffer.from(text));
      }
    }
    const lines = linesOf(chunks());
    assert.deepEqual((await lines.next()).value, { number: 1, text: '{"a":1}', ended: true });
    assert.equal(pulled, 1);
    assert.deepEqual((await lines.next()).value, { number: 2, text: '{"b":2}', ended: true });
    assert.equal(pulled, 2);
    await lines.return(undefined);
  });

  it("joins a character split between chunks, counts blank lines, and flags a last line without newline", async () => {
    const bytes = Buffer.from('é\n\n{"torn');
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield await Promise.resolve(bytes.subarray(0, 1));
      yield bytes.subarray(1);
    }
    const all: Line[] = [];
    for await (const line of linesOf(chunks())) all.push(line);
    assert.deepEqual(all, [
      { number: 1, text: "é", ended: true },
      { number: 2, text: "", ended: true },
      { number: 3, text: '{"torn', ended: false },
    ]);
  });

  it("reads a file a chunk at a time, and again from its start on the same handle", async () => {
    const directory = await mkdtemp(join(tmpdir(), "synced-lines-"));
    try {
      const path = join(directory, "letters.ndjson");
      const line = `${"x".repeat(1000)}\n`;
      await writeFile(path, line.repeat(300));
      const handle = await open(path);
      try {
        const sizes: number[] = [];
        for await (const chunk of chunksOf(handle)) sizes.push(chunk.length);
        assert.ok(sizes.length > 1 && Math.max(...sizes) <= 64 * 1024, String(sizes));
        assert.equal(
          sizes.reduce((a, b) => a + b),
          300_300,
        );
        let count = 0;
        for await (const read of linesOf(chunksOf(handle))) count += read.text.length === 1000 ? 1 : 0;
        assert.equal(count, 300);
      } finally {
        await handle.close();
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
