// A table whose index the cluster refuses to create is refused with what to change: at the cluster's
// shard limit, tried as an operator would with a keyspace of many tables, the limit and its remedies.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { indexNotCreated } from "../../src/stores/search/index-not-created.js";
import { TableIndexRefusedError } from "../../src/core/table-index-refusal.js";
import { handPlan } from "../support/table-plan.js";

const plan = handPlan({ keyspace: "app", table: "t134", index: "app-t134", columns: { body: "text" } });

describe("indexNotCreated", () => {
  it("names cluster.max_shards_per_node when the cluster holds its maximum of shards, in either product", () => {
    for (const reason of [
      "validation_exception: Validation Failed: 1: this action would add [2] shards, but this cluster currently has [1000]/[1000] maximum normal shards open;",
      "validation_exception: Validation Failed: 1: this action would add [2] total shards, but this cluster currently has [1000]/[1000] maximum shards open;",
    ]) {
      const error = indexNotCreated(
        plan,
        `OpenSearch refused to create the index app-t134 (400, ${reason}).`,
        reason,
      );
      assert.ok(error instanceof TableIndexRefusedError);
      assert.equal(error.table, "t134");
      assert.match(
        error.reason,
        /^OpenSearch refused to create the index app-t134 .*cluster\.max_shards_per_node/,
      );
      assert.doesNotMatch(error.reason, /templates/);
      assert.match(error.message, /The run stopped without moving the checkpoint\.$/);
    }
  });

  it("points at the templates and settings for any other refusal", () => {
    const reason =
      "illegal_argument_exception: cannot create index with name [app-t134], because it matches with template [x] that creates data streams only";
    const error = indexNotCreated(plan, `refused (400, ${reason}).`, reason);
    assert.match(error.reason, /Check the index templates that match app-t134/);
    assert.doesNotMatch(error.reason, /max_shards_per_node/);
  });

  // Tried as an operator would: a replay that met the refusal kept letters whose reason said to run
  // again, where the letter waits for the change and then for a replay.
  it("gives a replay's letter what to change and to replay it, for every refusal", () => {
    for (const reason of [
      "validation_exception: Validation Failed: 1: this action would add [2] shards, but this cluster currently has [1000]/[1000] maximum normal shards open;",
      "illegal_argument_exception: Limit of total fields [1000] has been exceeded",
      "illegal_argument_exception: cannot create index with name [app-t134], because it matches with template [x] that creates data streams only",
    ]) {
      const error = indexNotCreated(plan, `refused (400, ${reason}).`, reason);
      assert.match(error.reason, /run/, reason);
      assert.match(error.replayReason, /^refused \(400, .*[;,] then replay this letter\.$/, reason);
      assert.doesNotMatch(error.replayReason, /run|checkpoint|--exclude-tables/, reason);
    }
  });
});
