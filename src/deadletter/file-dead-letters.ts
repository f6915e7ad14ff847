// The default dead-letter store: one NDJSON file per configuration beside the state, one line per
// record with the reason, so a record can be inspected with any JSON tool and replayed later.
import { dirname } from "node:path";
import { inStateStore } from "../state/state-errors.js";
import { DEFAULT_STATE_TIMEOUT_MS } from "../state/state-store.js";
import { makeDirectory } from "../util/make-directory.js";
import { appendToRegularFile } from "../util/regular-file.js";
import type { DeadLetter, DeadLetterSink } from "../reconcile/dead-letter.js";
import { stableStringify } from "../core/canonical-json.js";
import type { JsonValue } from "../core/json-value.js";

export class FileDeadLetters implements DeadLetterSink {
  #count = 0;
  #ready: Promise<unknown> | undefined;

  constructor(
    readonly location: string,
    private readonly runId: string,
    /** How long writing one letter may take (--state-timeout). */
    private readonly timeoutMs = DEFAULT_STATE_TIMEOUT_MS,
  ) {}

  get count(): number {
    return this.#count;
  }

  async put(letter: DeadLetter): Promise<void> {
    const line = stableStringify(
      toJson({ at: new Date().toISOString(), runId: this.runId, ...letter }) as JsonValue,
    );
    await inStateStore(
      "write a dead letter",
      `file ${this.location}`,
      async () => {
        this.#ready ??= makeDirectory(dirname(this.location));
        await this.#ready;
        await appendToRegularFile(this.location, `${line}\n`);
      },
      { timeoutMs: this.timeoutMs },
    );
    this.#count++;
  }
}

/** Buffers become base64 and other driver objects their string form, so every line is plain JSON. */
function toJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v)]));
  if (value instanceof Set) return [...value].map(toJson);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    // Driver values (Uuid, LocalDate, InetAddress...) print their canonical text.
    if (Object.getPrototypeOf(value) !== Object.prototype)
      return (value as { toString(): string }).toString();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}
