// A sharded run is refused before it writes where an index allows fewer scroll slices than it reads.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../src/core/errors.js";
import type { PlanEntry } from "../../src/reconcile/plan-tables.js";
import { refuseTooManySlices } from "../../src/reconcile/scroll-slices.js";

const entry = (index: string, createIndex = false): PlanEntry =>
  ({ kind: "sync", createIndex, plan: { es: { index } } }) as unknown as PlanEntry;

function schema(limits: Record<string, number>): { scrollSliceLimits: () => Promise<Map<string, number>> } {
  return { scrollSliceLimits: () => Promise.resolve(new Map(Object.entries(limits))) };
}

async function refusal(limits: Record<string, number>, slices: number, shards: number): Promise<string> {
  const entries = [entry("a"), entry("b"), entry("new", true)];
  try {
    await refuseTooManySlices(schema(limits), entries, slices, shards);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  return "";
}

describe("refuseTooManySlices", () => {
  it("lets a run through whose slices every index allows", async () => {
    assert.equal(await refusal({ a: 8 }, 2, 4), "");
  });

  it("names the narrowest index, the --slices that fits, and the setting", async () => {
    const message = await refusal({ a: 6, b: 4 }, 2, 4);
    assert.match(
      message,
      /^index b allows 4 scroll slices .* reads it in 8 \(--slices 2 × 4 shards\): give --slices 1,/,
    );
    assert.match(message, /PUT b\/_settings \{"index.max_slices_per_scroll": 8\}/);
    assert.match(message, /Also too few: a \(6\)/);
  });

  it("asks for fewer shards where not even one slice each fits", async () => {
    assert.match(await refusal({ a: 2 }, 2, 4), /give --slices 1 with at most 2 shards/);
  });
});
