// A run refused for its config file's table settings: exit 2, a message naming the file and the key
// to fix, and no checkpoint moved.
import assert from "node:assert/strict";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import type { Harness } from "./harness.js";

/** Runs synced with config `file` under a fresh state key; `message` follows "config file <file>, ". */
export async function assertConfigRefused(h: Harness, file: string, message: RegExp): Promise<void> {
  const key = "refused";
  const result = await h.cli([...h.baseArgs(), "--config", file, "--name", key]);
  assert.equal(result.code, EXIT.usage, result.stderr);
  assert.match(result.stderr, new RegExp(`config file ${file.replaceAll(/[.]/g, "\\.")}, ${message.source}`));
  assert.equal(await new FileStateStore({ directory: h.stateDir }).getCheckpoint(key), undefined);
}
