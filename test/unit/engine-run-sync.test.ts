// One run of the engine over in-memory stores: the lease, the range, the plan, and a checkpoint that
// moves only when every table finished.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, SyncedError } from "../../src/core/errors.js";
import { LeaseHeldError, TablesRefusedError } from "../../src/reconcile/run-errors.js";
import { TableIndexRefusedError } from "../../src/core/table-index-refusal.js";
import type { PlanSettings } from "../../src/reconcile/plan-tables.js";
import { runSync, type RunDependencies, type RunSettings } from "../../src/reconcile/run-sync.js";
import { renderSummary, summaryJson } from "../../src/cli/summary.js";
import { RunDeadLetters } from "../../src/deadletter/run-dead-letters.js";
import { columnChoice } from "../../src/reconcile/column-choice.js";
import { FileDeadLetterStore } from "../../src/state/file/file-dead-letters.js";
import {
  MemoryDeadLetters,
  MemoryRecordStore,
  MemorySchema,
  MemoryStateStore,
  planSettings,
  record,
  tableInput,
} from "../support/memory-stores.js";

/** What the checkpoint records of the columns of a table without settings (column-choice.ts). */
const CHOICE = columnChoice(undefined, { timestamp: "tmstmp", tombstone: "deleted" });

const ID = "aaaaaaaa-0000-4000-8000-000000000000";
const NOW = 10_000_000n;

/** Tables by name, each with an index unless `fresh` names it; the plan settings as given. */
function world(
  tables: readonly (string | ReturnType<typeof tableInput>)[],
  options: { fresh?: readonly string[]; types?: readonly string[]; plan?: Partial<PlanSettings> } = {},
): {
  settings: RunSettings;
  deps: RunDependencies;
  cassandra: MemoryRecordStore;
  elasticsearch: MemoryRecordStore;
  schema: MemorySchema;
  state: MemoryStateStore;
} {
  const cassandra = new MemoryRecordStore("cassandra");
  const elasticsearch = new MemoryRecordStore("elasticsearch");
  const named = tables.map((t) => (typeof t === "string" ? t : t.name));
  const types = options.types ?? named.filter((t) => !(options.fresh ?? []).includes(t));
  const schema = new MemorySchema(tables, types);
  const state = new MemoryStateStore();
  return {
    cassandra,
    elasticsearch,
    schema,
    state,
    settings: {
      runId: "run-1",
      key: "app.app",
      plan: planSettings(options.plan),
      holder: "here:1",
      allowFutureEnd: false,
      lagMs: 1000,
      direction: "both",
      dryRun: false,
      maxErrors: 10,
      leaseTtlMs: 60_000,
      maxFutureMs: 3_600_000,
    },
    deps: {
      cassandra,
      elasticsearch,
      schema,
      state,
      deadLetters: new MemoryDeadLetters(),
      signal: new AbortController().signal,
      now: () => NOW,
      log: () => undefined,
      warn: () => undefined,
    },
  };
}

describe("runSync", () => {
  it("syncs both directions, moves the checkpoint to the range end, records the run, and lets the lease go", async () => {
    const w = world(["things"], { fresh: ["things"] });
    w.cassandra.put(record(ID, 5_000));
    const report = await runSync(w.settings, w.deps);
    assert.equal(report.outcome, "success");
    assert.deepEqual(
      report.tables.map((t) => [t.direction, t.written]),
      [
        ["to-es", 1],
        ["to-cassandra", 0],
      ],
    );
    assert.deepEqual(w.schema.createdIndices, ["app-things"]);
    assert.equal(report.end, NOW - 1_000_000n);
    assert.equal((await w.state.getCheckpoint("app.app"))?.position, NOW - 1_000_000n);
    assert.deepEqual(
      w.state.runs.map((r) => [r.outcome, r.checkpointAfter]),
      [["success", NOW - 1_000_000n]],
    );
    assert.equal(w.state.leases.size, 0);
  });

  it("says, on a first run under a derived key, which sibling keys the state holds", async () => {
    const logged: string[] = [];
    const run = async (checkpoint: boolean, begin?: bigint): Promise<void> => {
      const w = world(["users"]);
      if (checkpoint) await w.state.setCheckpoint("app.app", 1_000n, "run-0");
      const deps = {
        ...w.deps,
        siblingKeys: () => Promise.resolve(["app.app.9042"]),
        log: (message: string) => logged.push(message),
      };
      await runSync({ ...w.settings, ...(begin === undefined ? {} : { begin }) }, deps);
    };
    await run(false);
    assert.equal(logged.filter((m) => m.includes("but the state holds app.app.9042")).length, 1);
    logged.length = 0;
    await run(true);
    await run(false, 0n); // a backfill reads the range it is given, whatever the checkpoint
    assert.deepEqual(
      logged.filter((m) => m.includes("app.app.9042")),
      [],
    );
  });

  it("refuses to start while another run holds the lease, and touches nothing", async () => {
    const w = world(["things"]);
    await w.state.acquireLease("app.app", "other", "there:2", 60_000);
    await assert.rejects(runSync(w.settings, w.deps), LeaseHeldError);
    assert.equal(w.state.checkpoints.size, 0);
    assert.equal(w.state.runs.length, 0);
    assert.equal(w.state.leases.get("app.app")?.owner, "other");
  });

  // Tried as an operator would: a backfill given the job's own --name while the job ran was told only
  // to wait, though under a name of its own it runs beside the job.
  it("tells a backfill kept out by the lease that it can run beside under a --name of its own", async () => {
    const w = world(["things"]);
    await w.state.acquireLease("app.app", "other", "there:2", 60_000);
    const refusal = async (begin?: bigint): Promise<string> => {
      const error: unknown = await runSync(
        { ...w.settings, ...(begin === undefined ? {} : { begin }) },
        w.deps,
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof LeaseHeldError, String(error));
      return error.message;
    };
    const backfill = await refusal(1_000n);
    assert.match(backfill, /Wait for it to finish/);
    assert.match(
      backfill,
      /a backfill \(-b\) can run beside it under a --name of its own, give this one another --name/,
    );
    assert.match(backfill, /synced dead-letters list --name/);
    assert.doesNotMatch(await refusal(), /--name/);
  });

  it("refuses unknown --tables before any work, releasing the lease and keeping no state", async () => {
    const w = world(["things"], { plan: { include: ["things", "thngs"] } });
    w.cassandra.put(record(ID, 5_000));
    await assert.rejects(runSync(w.settings, w.deps), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /'thngs' is neither a table .* \(closest: things\)/);
      return true;
    });
    assert.equal(w.elasticsearch.records.size, 0);
    assert.deepEqual([w.state.checkpoints.size, w.state.runs.length, w.state.leases.size], [0, 0, 0]);
  });

  it("says a refusal before any work left the lease held, and until when, where the release failed", async () => {
    const w = world(["things"], { plan: { include: ["things", "thngs"] } });
    const state = new (class extends MemoryStateStore {
      override releaseLease(): Promise<void> {
        return Promise.reject(new Error("state store gone"));
      }
    })();
    await assert.rejects(runSync(w.settings, { ...w.deps, state }), (error: unknown) => {
      const held = state.leases.get("app.app");
      assert.ok(held, "the lease is still stored");
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /'thngs' is neither a table .* \(closest: things\)/);
      assert.ok(
        error.message.includes(
          `Correct the name, or leave --tables out to sync every table. The lease could not be released and ` +
            `runs out at ${held.expiresAt.toISOString()}: until then a ` +
            "run of this configuration on another host or in another container is refused with exit 4",
        ),
        error.message,
      );
      assert.equal(error.details["leaseExpiresAt"], held.expiresAt.toISOString());
      return true;
    });
  });

  it("refuses a column option no table has before any work, naming where it was set", async () => {
    const source = { kind: "env", variable: "SYNCED_ID_COLUMN" } as const;
    const w = world(["things"], {
      plan: {
        names: { id: "idd", timestamp: "tmstmp", tombstone: "deleted" },
        columnSources: { id: source, timestamp: { kind: "default" }, tombstone: { kind: "default" } },
      },
    });
    w.cassandra.put(record(ID, 5_000));
    await assert.rejects(runSync(w.settings, w.deps), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.option, "id-column");
      assert.match(error.message, /^environment variable SYNCED_ID_COLUMN: no table .*'idd' \(closest: id\)/);
      return true;
    });
    assert.equal(w.elasticsearch.records.size, 0);
    assert.deepEqual([w.state.checkpoints.size, w.state.runs.length, w.state.leases.size], [0, 0, 0]);
  });

  it("reads a table and direction the checkpoint does not cover from the earliest version", async () => {
    const uncovered = world(["back"]);
    uncovered.cassandra.put(record(ID, 1_000));
    uncovered.elasticsearch.put(record("bbbbbbbb-0000-4000-8000-000000000000", 2_000));
    await uncovered.state.setCheckpoint("app.app", 5_000_000n, "run-0", ["back:to-es", "kept:to-es"]);
    const report = await runSync(uncovered.settings, uncovered.deps);
    assert.deepEqual(
      report.tables.map((t) => [t.direction, t.scanned, t.written]),
      [
        ["to-es", 0, 0],
        ["to-cassandra", 1, 1],
      ],
    );
    // What the moved checkpoint covers: the table's two directions, and not a table this run left out.
    const saved = await uncovered.state.getCheckpoint("app.app");
    assert.equal(saved?.position, NOW - 1_000_000n);
    assert.deepEqual(saved.covers, [`back:to-cassandra@//${CHOICE}`, `back:to-es@//${CHOICE}`]);

    // A checkpoint that says nothing covers everything, as one an earlier version saved.
    const legacy = world(["back"]);
    legacy.cassandra.put(record(ID, 1_000));
    legacy.elasticsearch.put(record("bbbbbbbb-0000-4000-8000-000000000000", 2_000));
    await legacy.state.setCheckpoint("app.app", 5_000_000n, "run-0");
    const incremental = await runSync(legacy.settings, legacy.deps);
    assert.deepEqual(
      incremental.tables.map((t) => t.scanned),
      [0, 0],
    );
    assert.deepEqual((await legacy.state.getCheckpoint("app.app"))?.covers, [
      `back:to-cassandra@//${CHOICE}`,
      `back:to-es@//${CHOICE}`,
    ]);
  });

  // Tried as an operator would: a checkpoint saved by a version of synced that did not record the
  // columns' settings (before the upgrade, or by a rollback to it) was taken for settings unchanged
  // without a word, so an include widened in the same deploy never reached the older documents.
  it("says once that a checkpoint of an earlier version does not record the columns' settings", async () => {
    for (const covers of [undefined, ["back:to-cassandra@u/t", "back:to-es@u/t"]]) {
      const w = world(["back"]);
      await w.state.setCheckpoint("app.app", 5_000_000n, "run-0", covers);
      const first = await runSync(w.settings, w.deps);
      assert.equal(first.notices.length, 1, JSON.stringify(first.notices));
      assert.match(first.notices[0] ?? "", /does not record how the tables' settings chose and named/);
      assert.match(first.notices[0] ?? "", /-b 0001-01-01T00:00:00Z --tables <table>/);
      const next = await runSync({ ...w.settings, runId: "run-2" }, w.deps);
      assert.deepEqual(next.notices, [], "the first run recorded them");
    }
  });

  // In the type-field layout every table lives in one index: a table whose type has no document in it
  // yet (an empty table, say) made each run list the index as created, and read the table from the
  // earliest version, saying that its index had been deleted since.
  describe("a table whose type has no document in the type-field layout's index", () => {
    const shared = (): ReturnType<typeof world> => {
      const w = world(["quiet"], { types: [], plan: { layout: "type-field", indexFor: () => "app" } });
      w.schema.sharedIndex = { name: "app", fields: new Map() };
      w.cassandra.put(record(ID, 1_000));
      return w;
    };
    const logged = (w: ReturnType<typeof world>): string[] => {
      const lines: string[] = [];
      w.deps = { ...w.deps, log: (message) => lines.push(message) };
      return lines;
    };

    it("is read from the checkpoint on where the checkpoint covers it, and the index is not listed as created", async () => {
      const w = shared();
      const lines = logged(w);
      await w.state.setCheckpoint("app.app", 5_000_000n, "run-0", [
        `quiet:to-cassandra@//${CHOICE}`,
        `quiet:to-es@//${CHOICE}`,
      ]);
      const report = await runSync(w.settings, w.deps);
      assert.deepEqual(report.createdIndices, []);
      assert.deepEqual(
        report.tables.map((t) => [t.direction, t.scanned]),
        [
          ["to-es", 0],
          ["to-cassandra", 0],
        ],
      );
      assert.deepEqual(
        lines.filter((l) => l.includes("earliest version")),
        [],
      );
    });

    it("is read from the earliest version where the checkpoint does not cover it, as a table new to the configuration", async () => {
      const w = shared();
      const lines = logged(w);
      await w.state.setCheckpoint("app.app", 5_000_000n, "run-0", ["other:to-cassandra", "other:to-es"]);
      const report = await runSync(w.settings, w.deps);
      assert.deepEqual(report.createdIndices, []);
      assert.equal(report.tables.find((t) => t.direction === "to-es")?.written, 1);
      assert.ok(
        lines.includes("table quiet (to-es) is new to this configuration: read from the earliest version"),
        lines.join("\n"),
      );
      assert.deepEqual((await w.state.getCheckpoint("app.app"))?.covers, [
        `quiet:to-cassandra@//${CHOICE}`,
        `quiet:to-es@//${CHOICE}`,
      ]);
    });

    it("is read from the earliest version under a checkpoint that does not say what it covers", async () => {
      const w = shared();
      const lines = logged(w);
      await w.state.setCheckpoint("app.app", 5_000_000n, "run-0");
      const report = await runSync(w.settings, w.deps);
      assert.equal(report.tables.find((t) => t.direction === "to-es")?.written, 1);
      assert.ok(
        lines.some((l) =>
          l.startsWith(
            "table quiet (to-es) has no document in index app yet, and this configuration's checkpoint " +
              "does not record the tables it covers",
          ),
        ),
        lines.join("\n"),
      );
    });

    it("lists the index as created on the run that makes it", async () => {
      const w = shared();
      w.schema.sharedIndex = undefined;
      const report = await runSync(w.settings, w.deps);
      assert.deepEqual(report.createdIndices, ["app"]);
    });
  });

  it("refuses a run in which no selected table can be synced, naming each table with its reason", async () => {
    const w = world([
      tableInput("things", { shape: { supported: false, reason: "counter table" } }),
      tableInput("stamps", {
        shape: { supported: false, reason: "'tmstmp' is bigint, not timeuuid or timestamp" },
      }),
    ]);
    await w.state.setCheckpoint("app.app", 1_000n, "run-0");
    await assert.rejects(runSync(w.settings, w.deps), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.option, "tables");
      assert.match(
        error.message,
        /^no selected table can be synced, so the run would copy nothing: stamps: 'tmstmp' is bigint, not timeuuid or timestamp; things: counter table\. /,
      );
      assert.match(error.message, /--timestamp-column/);
      return true;
    });
    assert.equal((await w.state.getCheckpoint("app.app"))?.position, 1_000n);
    assert.deepEqual(await w.state.recentRuns("app.app", 5), []);
  });

  it("keeps the checkpoint and succeeds when every table only waits for its other side to exist", async () => {
    const w = world(["things"], { types: [], plan: { direction: "to-cassandra" } });
    w.settings = { ...w.settings, direction: "to-cassandra" };
    await w.state.setCheckpoint("app.app", 1_000n, "run-0");
    const report = await runSync(w.settings, w.deps);
    assert.equal(report.outcome, "success");
    assert.match(report.skipped[0]?.reason ?? "", /no index for things/);
    assert.equal(report.checkpointAfter, 1_000n);
    assert.match(report.checkpointUnmoved ?? "", /no table was synced/);
    assert.equal((await w.state.getCheckpoint("app.app"))?.position, 1_000n);
  });

  // Tried as a new user would: a first run with -b 0 kept no checkpoint, and its summary said only
  // "checkpoint: none (unchanged)", with nothing on why the next run starts from the earliest again.
  it("says why a range that leaves a gap or lies behind the checkpoint keeps it", async () => {
    const first = world(["things"]);
    first.settings = { ...first.settings, begin: 0n };
    const fromEpoch = await runSync(first.settings, first.deps);
    assert.equal(fromEpoch.outcome, "success");
    assert.equal(fromEpoch.checkpointAfter, undefined);
    assert.match(
      fromEpoch.checkpointUnmoved ?? "",
      /^what is dated before 1970-01-01T00:00:00\.000000Z stays uncovered: only a run from the earliest version \(a first run without -b\) gives a first checkpoint$/,
    );
    assert.match(renderSummary(fromEpoch), /^checkpoint: none \(unchanged: what is dated before 1970-/m);
    assert.match(
      String((summaryJson(fromEpoch)["checkpoint"] as Record<string, unknown>)["unmoved"]),
      /stays uncovered/,
    );

    const gap = world(["things"]);
    await gap.state.setCheckpoint("app.app", 1_000n, "run-0");
    gap.settings = { ...gap.settings, begin: 5_000n };
    assert.match(
      (await runSync(gap.settings, gap.deps)).checkpointUnmoved ?? "",
      /^the range begins after the checkpoint: moving it would leave 1970-01-01T00:00:00\.001000Z to 1970-01-01T00:00:00\.005000Z uncovered$/,
    );

    const behind = world(["things"]);
    await behind.state.setCheckpoint("app.app", 9_000n, "run-0");
    behind.settings = { ...behind.settings, begin: 1_000n, end: 5_000n };
    assert.match(
      (await runSync(behind.settings, behind.deps)).checkpointUnmoved ?? "",
      /^the range ends at or before the checkpoint, which already covers it$/,
    );
    // A dry run moves none, but says that the run it stands for would keep it too, and why.
    const dry = world(["things"]);
    dry.settings = { ...dry.settings, begin: 0n, dryRun: true };
    assert.match(
      (await runSync(dry.settings, dry.deps)).checkpointUnmoved ?? "",
      /^a run would keep it too: what is dated before 1970-01-01T00:00:00\.000000Z stays uncovered/,
    );
    // A range that moves it says nothing of the kind.
    const moves = world(["things"]);
    assert.equal((await runSync(moves.settings, moves.deps)).checkpointUnmoved, undefined);
    const dryMoves = world(["things"]);
    dryMoves.settings = { ...dryMoves.settings, dryRun: true };
    assert.equal((await runSync(dryMoves.settings, dryMoves.deps)).checkpointUnmoved, undefined);
  });

  it("refuses unknown --exclude-tables as it refuses unknown --tables, naming the option", async () => {
    const w = world(["things"], { plan: { exclude: ["thngs", "zzz"] } });
    await assert.rejects(runSync(w.settings, w.deps), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.option, "exclude-tables");
      assert.match(
        error.message,
        /^--exclude-tables names what does not exist: 'thngs' is neither a table of the keyspace nor a type of the index \(closest: things\); 'zzz' .*\. Correct the name, or remove it from --exclude-tables\.$/,
      );
      return true;
    });
    assert.deepEqual([w.state.checkpoints.size, w.state.runs.length, w.state.leases.size], [0, 0, 0]);
  });

  it("keeps the checkpoint where it was when a table fails, and reports the failure", async () => {
    const w = world(["first", "second"]);
    await w.state.setCheckpoint("app.app", 1_000n, "run-0");
    w.cassandra.put(record(ID, 2_000_000));
    w.elasticsearch.failScan = new Error("shard failure");
    const report = await runSync(w.settings, w.deps);
    assert.equal(report.outcome, "failed");
    assert.match(report.error?.message ?? "", /shard failure/);
    // The direction finished before the failure is reported with its counts, and the one that failed.
    assert.deepEqual(
      report.tables.map((t) => [t.table, t.direction, t.written]),
      [
        ["first", "to-es", 1],
        ["first", "to-cassandra", 0],
      ],
    );
    assert.equal((await w.state.getCheckpoint("app.app"))?.position, 1_000n);
    assert.deepEqual(
      w.state.runs.map((r) => [r.outcome, r.checkpointAfter]),
      [["failed", 1_000n]],
    );
    assert.equal(w.state.leases.size, 0);
  });

  it("says a failed run left its lease held where the state store did not take the release", async () => {
    const w = world(["first"]);
    const state = new (class extends MemoryStateStore {
      override releaseLease(): Promise<void> {
        return Promise.reject(new Error("state store gone"));
      }
    })();
    w.elasticsearch.failScan = new Error("shard failure");
    const report = await runSync(w.settings, { ...w.deps, state });
    assert.equal(report.outcome, "failed");
    const held = await state.getLease("app.app");
    assert.ok(held, "the lease is still stored");
    assert.deepEqual(report.leaseLeft, {
      expiresAt: held.expiresAt,
      reason: "state store gone",
      ranOut: false,
    });
    // A run whose release the state store took says nothing of the lease.
    const released = world(["first"]);
    released.elasticsearch.failScan = new Error("shard failure");
    assert.equal((await runSync(released.settings, released.deps)).leaseLeft, undefined);
  });

  // Tried as an operator would: a letters file that could not grow (a file size limit) failed the run,
  // whose table still showed the record as dead-lettered though no letter was stored.
  it("counts as dead-lettered only the letters stored, when the dead-letter store fails to take them", async () => {
    const w = world(["first"]);
    const ids = [1, 2].map((n) => `aaaaaaaa-0000-4000-8000-00000000000${n}`);
    w.cassandra.put(...ids.map((id) => record(id, 1_000)));
    w.elasticsearch.refuse.set(ids[1] ?? "", "mapper_parsing_exception");
    const full = Object.assign(new Error("EFBIG: file too large, write"), { code: "EFBIG" });
    const store = new FileDeadLetterStore("/nonexistent/letters.ndjson");
    store.put = () => Promise.reject(full);
    const report = await runSync(w.settings, {
      ...w.deps,
      deadLetters: new RunDeadLetters(store, w.settings.key, "run-1"),
    });
    assert.equal(report.outcome, "failed");
    assert.equal(report.deadLettered, 0);
    assert.deepEqual(
      report.tables.map((t) => [t.table, t.direction, t.written, t.deadLettered]),
      [["first", "to-es", 1, 0]],
    );
  });

  it("reports what a failed run did before it failed: finished directions and the failed one's counts", async () => {
    const w = world(["first", "second"]);
    const ids = [1, 2, 3, 4, 5].map((n) => `aaaaaaaa-0000-4000-8000-00000000000${n}`);
    w.cassandra.put(...ids.map((id) => record(id, 1_000)));
    w.elasticsearch.refuse.set(ids[4] ?? "", "mapper_parsing_exception");
    w.settings = { ...w.settings, maxErrors: 0 };
    const report = await runSync(w.settings, w.deps);
    assert.equal(report.outcome, "failed");
    assert.match(report.error?.message ?? "", /more than 0 records failed/);
    assert.deepEqual(
      report.tables.map((t) => [t.table, t.direction, t.scanned, t.written, t.deadLettered]),
      [["first", "to-es", 5, 4, 1]],
    );
    assert.ok((report.tables[0]?.durationMs ?? 0) > 0);
    // The run history counts them too.
    assert.deepEqual(
      w.state.runs.map((r) => [r.counts["written"], r.counts["deadLettered"]]),
      [[4, 1]],
    );
  });

  it("stops before any batch when SIGTERM came during start-up, with the checkpoint where it was", async () => {
    const w = world(["things"]);
    w.cassandra.put(record(ID, 5_000));
    await w.state.setCheckpoint("app.app", 1_000n, "run-0");
    const stop = new AbortController();
    stop.abort(new Error("SIGTERM"));
    const report = await runSync(w.settings, { ...w.deps, signal: stop.signal });
    assert.equal(report.outcome, "interrupted");
    assert.equal(w.elasticsearch.records.size, 0);
    assert.equal((await w.state.getCheckpoint("app.app"))?.position, 1_000n);
    assert.equal(w.state.leases.size, 0);
  });

  it("neither moves the checkpoint nor records the run in a dry run", async () => {
    const w = world(["things"]);
    w.cassandra.put(record(ID, 5_000));
    const report = await runSync({ ...w.settings, dryRun: true }, w.deps);
    assert.equal(report.outcome, "success");
    assert.equal(report.tables[0]?.written, 1);
    assert.equal(w.elasticsearch.records.size, 0);
    assert.deepEqual([w.state.checkpoints.size, w.state.runs.length], [0, 0]);
  });

  it("skips a type whose table Cassandra refuses, but stops when the store cannot be reached", async () => {
    const odd = { types: ["odd", "things"], plan: { createTables: true } };
    const refused = world(["things"], odd);
    refused.schema.createTableError = new SyncedError("unsupported mapping for field x");
    const report = await runSync(refused.settings, refused.deps);
    assert.equal(report.outcome, "success", report.error?.message);
    assert.match(report.skipped[0]?.reason ?? "", /cannot create the table from index app-odd: unsupported/);

    const down = world([], odd);
    down.schema.createTableError = new (class extends SyncedError {
      override readonly kind = "unreachable";
    })("no host answered");
    const failed = await runSync(down.settings, down.deps);
    assert.equal(failed.outcome, "failed");
    assert.match(failed.error?.message ?? "", /no host answered/);
  });

  // Tried as an operator would, with a keyspace of many tables: the cluster's shard limit refused one
  // table's index, or one index was blocked for writes, and the run stopped there, run after run, so
  // every table after it was never synced.
  it("refuses a table whose index the cluster will not create or write, and syncs the others", async () => {
    const w = world(["first", "refused", "blocked", "last"], { fresh: ["first", "refused", "last"] });
    w.cassandra.put(record(ID, 5_000));
    w.schema.indexRefusals.set(
      "refused",
      new TableIndexRefusedError("refused", "the cluster holds its maximum of shards.", "The run stopped."),
    );
    w.elasticsearch.blockedTables.set(
      "blocked",
      new TableIndexRefusedError("blocked", "index app-blocked is blocked for writes.", "The run stopped."),
    );
    const report = await runSync(w.settings, w.deps);
    assert.equal(report.outcome, "failed");
    assert.ok(report.error instanceof TablesRefusedError, String(report.error));
    assert.match(report.error.message, /tables blocked, refused refused.*Every other table was synced/);
    assert.deepEqual(report.refused, [
      { name: "blocked", reason: "index app-blocked is blocked for writes." },
      { name: "refused", reason: "the cluster holds its maximum of shards." },
    ]);
    assert.deepEqual(w.schema.createdIndices, ["app-first", "app-last"]);
    assert.deepEqual(
      report.tables.map((t) => [t.table, t.direction, t.scanned, t.written]),
      [
        ["blocked", "to-es", 1, 0],
        ["first", "to-es", 1, 1],
        ["first", "to-cassandra", 1, 0],
        ["last", "to-es", 1, 0],
        ["last", "to-cassandra", 1, 0],
      ],
    );
    assert.equal(w.state.checkpoints.size, 0);
    assert.equal(w.state.leases.size, 0);
  });

  // Exit 0 run after run, as a CronJob would see it, while the index was never synced.
  it("fails as refused when Cassandra refuses every table the selection needed", async () => {
    const w = world([], { types: ["odd"], plan: { createTables: true } });
    w.schema.createTableError = new SyncedError("unsupported mapping for field x");
    const report = await runSync(w.settings, w.deps);
    assert.equal(report.outcome, "failed");
    assert.ok(report.error instanceof ConfigError, String(report.error));
    assert.match(
      report.error.message,
      /no selected table can be synced.*odd: cannot create the table from index app-odd: unsupported.*Create by hand/,
    );
    assert.equal(w.state.checkpoints.size, 0);
  });

  it("says in a dry run why a table cannot be made from its index, as the run does", async () => {
    for (const dryRun of [true, false]) {
      const w = world(["things"], { types: ["odd", "things"], plan: { createTables: true } });
      w.schema.tableRefusals.set("odd", 'field "meta": holds arbitrary JSON');
      const report = await runSync({ ...w.settings, dryRun }, w.deps);
      assert.equal(report.outcome, "success", report.error?.message);
      assert.deepEqual(w.schema.createdTables, [], String(dryRun));
      assert.deepEqual(report.skipped, [
        {
          name: "odd",
          reason: 'cannot create the table from index app-odd: field "meta": holds arbitrary JSON',
        },
      ]);
    }
  });

  it("refuses, dry or not, a selection of tables no mapping can make, before creating anything", async () => {
    for (const dryRun of [true, false]) {
      const w = world([], { types: ["odd"], plan: { createTables: true } });
      w.schema.tableRefusals.set("odd", 'field "meta": holds arbitrary JSON');
      await assert.rejects(runSync({ ...w.settings, dryRun }, w.deps), (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.equal(error.kind, "usage");
        assert.match(error.message, /no selected table can be synced/);
        assert.match(error.message, /odd: cannot create the table from index app-odd: field "meta"/);
        assert.doesNotMatch(error.message, /--timestamp-column/);
        return true;
      });
      assert.deepEqual([w.schema.createdTables, w.state.runs], [[], []]);
    }
  });

  it("creates tables from their indices and syncs them in the same run", async () => {
    const w = world([], { types: ["fresh"], plan: { createTables: true } });
    w.elasticsearch.put(record(ID, 5_000));
    const report = await runSync(w.settings, w.deps);
    assert.deepEqual(report.createdTables, ["fresh"]);
    assert.equal(report.tables.find((t) => t.direction === "to-cassandra")?.written, 1);
    assert.ok(w.cassandra.get(ID));
  });

  it("indexes the timestamp column of tables that lack it before reading them, except in a dry run", async () => {
    const w = world(["plain", tableInput("indexed", { timestampIndexed: true })]);
    const report = await runSync({ ...w.settings, createTimestampIndex: true }, w.deps);
    assert.deepEqual(w.schema.timestampIndexes, ["plain"]);
    assert.deepEqual(report.timestampIndexes, ["app.plain_tmstmp_idx"]);

    const dry = world(["plain"]);
    await runSync({ ...dry.settings, createTimestampIndex: true, dryRun: true }, dry.deps);
    assert.deepEqual(dry.schema.timestampIndexes, []);
  });

  it("waits for the timestamp index of an indexed table to answer before reading it, also in a dry run", async () => {
    for (const dryRun of [false, true]) {
      const w = world(["plain", tableInput("indexed", { timestampIndexed: true })]);
      w.schema.buildingTimestampIndexes.add("indexed");
      await runSync({ ...w.settings, dryRun }, w.deps);
      assert.deepEqual(w.schema.awaitedTimestampIndexes, ["indexed"]);
      assert.deepEqual(w.schema.timestampIndexes, []);
    }
  });

  it("refuses --create-timestamp-index where the server cannot hold the index, before any write", async () => {
    for (const dryRun of [false, true]) {
      const w = world(["first", "second"], { fresh: ["first"] });
      w.cassandra.put(record(ID, 5_000));
      const refusal = new ConfigError("create-timestamp-index", undefined, "no storage-attached indexes");
      w.schema.timestampIndexRefusal = refusal;
      await assert.rejects(runSync({ ...w.settings, createTimestampIndex: true, dryRun }, w.deps), refusal);
      assert.deepEqual(w.schema.createdIndices, []);
      assert.deepEqual(w.schema.timestampIndexes, []);
      assert.equal(w.elasticsearch.records.size, 0);
      assert.deepEqual([w.state.checkpoints.size, w.state.runs.length, w.state.leases.size], [0, 0, 0]);
    }
    // Without the option, the same server is no reason to refuse.
    const w = world(["first"], { fresh: ["first"] });
    w.schema.timestampIndexRefusal = new ConfigError("create-timestamp-index", undefined, "no SAI");
    assert.equal((await runSync(w.settings, w.deps)).outcome, "success");
  });
  it("says once, in the log and the report, that tables were read far more than their range held", async () => {
    const w = world(["things", "others"]);
    w.cassandra.put(record(ID, 5_000));
    w.cassandra.readPerBatch = 20_000;
    const logged: [string, Record<string, unknown> | undefined][] = [];
    const report = await runSync(w.settings, {
      ...w.deps,
      log: (message, fields) => logged.push([message, fields]),
    });
    const notices = logged.filter(([message]) => message.includes("--create-timestamp-index"));
    assert.equal(notices.length, 1, JSON.stringify(logged));
    assert.deepEqual(report.notices, [notices[0]?.[0]]);
    // The memory store holds the record for every table: both read 20,000 rows for it.
    assert.match(report.notices[0] ?? "", /: others \(20,000 rows read for 1 in range, 20,000×\), things \(/);
    assert.deepEqual(
      (notices[0]?.[1]?.["tables"] as Record<string, unknown>[]).map((t) => [
        t["table"],
        t["readPerInRange"],
      ]),
      [
        ["others", 20_000],
        ["things", 20_000],
      ],
    );
  });

  it("says once, also in a process that runs again and again, that the alias names a stray index", async () => {
    const given = new Set<string>();
    const logged: string[] = [];
    for (let i = 0; i < 2; i++) {
      const w = world(["things"]);
      w.schema.strayIndices = ["app_old_things"];
      await runSync(w.settings, { ...w.deps, noticesGiven: given, log: (message) => logged.push(message) });
    }
    const notices = logged.filter((m) => m.includes("the alias over the tables' indices also names"));
    assert.equal(notices.length, 1, logged.join("\n"));
    assert.match(notices[0] ?? "", /names app_old_things, where no table of this configuration lives/);
  });

  it("says once in a process that runs again and again (watch) that a table's large rows lower its batch", async () => {
    const given = new Set<string>();
    const logged: string[] = [];
    for (let i = 0; i < 2; i++) {
      const w = world(["things"]);
      w.cassandra.size = { rowBytes: 2 * 1024 * 1024, rows: 100 };
      const report = await runSync(
        { ...w.settings, batchSize: 500 },
        { ...w.deps, noticesGiven: given, log: (message) => logged.push(message) },
      );
      assert.deepEqual(
        w.cassandra.scannedPlans.map((p) => p.batchSize),
        [4],
        `run ${i + 1}: ${report.outcome} ${report.error?.message ?? ""}`,
      );
    }
    const lines = logged.filter((m) => m.includes("at a time instead of --batch-size 500"));
    assert.equal(lines.length, 1, logged.join("\n"));
  });

  it("says it once for each table in a process that runs again and again (watch)", async () => {
    const given = new Set<string>();
    const run = async (tables: string[]) => {
      const w = world(tables);
      w.cassandra.put(record(ID, 5_000));
      w.cassandra.readPerBatch = 20_000;
      const logged: string[] = [];
      const report = await runSync(w.settings, {
        ...w.deps,
        noticesGiven: given,
        log: (message) => logged.push(message),
      });
      return { report, notices: logged.filter((message) => message.includes("--create-timestamp-index")) };
    };
    const first = await run(["things"]);
    assert.equal(first.notices.length, 1);
    const again = await run(["things"]);
    assert.deepEqual([again.notices, again.report.notices], [[], []]);
    // A table told of for the first time is told of, and only it.
    const more = await run(["things", "others"]);
    assert.equal(more.notices.length, 1);
    assert.match(more.notices[0] ?? "", /: others \(/);
    assert.doesNotMatch(more.notices[0] ?? "", /things/);
  });

  // Tried as an operator would: a record a run met but could not write (concurrent writes kept winning
  // the race, or a refusal that passed) waited as a dead letter, and the next run's look-back window, which wrote it, counted it
  // as late, logged it as "arrived late" and put it in the lateness histogram. It did not arrive late.
  it("counts as late no record whose letter from an earlier run waited, and still counts one that came late", async () => {
    const dir = await mkdtemp(join(tmpdir(), "synced-late-letters-"));
    try {
      const w = world(["things"]);
      const store = new FileDeadLetterStore(join(dir, "letters.ndjson"));
      const raced = ID;
      const late = "bbbbbbbb-0000-4000-8000-000000000000";
      const refused = "cccccccc-0000-4000-8000-000000000000";
      w.cassandra.put(record(raced, 5_000_000, { v: "row" }), record(refused, 6_000_000, { v: "busy" }));
      w.elasticsearch.refuse.set(refused, "429 Too Many Requests: es_rejected_execution_exception");
      w.elasticsearch.put(record(raced, 1_000, { v: "app" }));
      // An application writes the document again between each read and write of the first run.
      w.elasticsearch.beforeWrite = (es) => es.put(record(raced, 1_000, { v: "app" }));
      const first = await runSync(w.settings, {
        ...w.deps,
        deadLetters: new RunDeadLetters(store, w.settings.key, "run-1"),
      });
      assert.equal(first.outcome, "partial");
      assert.deepEqual(first.tables.find((t) => t.direction === "to-es")?.deadLettered, 2);
      const checkpoint = (await w.state.getCheckpoint(w.settings.key))?.position;
      assert.equal(checkpoint, NOW - 1_000_000n);

      w.elasticsearch.beforeWrite = undefined;
      w.elasticsearch.refuse.clear();
      // Dated before the checkpoint, and visible only now: it did arrive late.
      w.cassandra.put(record(late, 8_000_000, { v: "late" }));
      const lateSeen: string[] = [];
      const second = await runSync(
        { ...w.settings, runId: "run-2", lookbackMs: 600_000 },
        {
          ...w.deps,
          deadLetters: new RunDeadLetters(store, w.settings.key, "run-2"),
          now: () => NOW + 2_000_000n,
          onLate: (record) => lateSeen.push(record.id),
        },
      );
      assert.equal(second.outcome, "success");
      const toEs = second.tables.find((t) => t.direction === "to-es");
      assert.deepEqual([toEs?.written, toEs?.late], [3, 1]);
      assert.deepEqual(lateSeen, [late]);
      assert.deepEqual(w.elasticsearch.get(raced)?.content, { v: "row" });
      assert.deepEqual(w.elasticsearch.get(refused)?.content, { v: "busy" });
      const waiting: unknown[] = [];
      for await (const letter of store.list(w.settings.key)) waiting.push(letter.id);
      assert.deepEqual(waiting, []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says nothing where no table was read far more than its range held", async () => {
    const w = world(["things"]);
    w.cassandra.put(record(ID, 5_000));
    const report = await runSync(w.settings, w.deps);
    assert.deepEqual(report.notices, []);
  });
});

describe("the index's identity after a table's writes", () => {
  /** A world whose schema answers the index's identity, counting how often it is asked. */
  function counted(direction: RunSettings["direction"]): {
    w: ReturnType<typeof world>;
    asked: () => number;
  } {
    const w = world(["things"]);
    let asked = 0;
    Object.assign(w.schema, {
      indexIdentity: (): Promise<string> => {
        asked++;
        return Promise.resolve("index-uuid");
      },
    });
    return { w: { ...w, settings: { ...w.settings, direction } }, asked: () => asked };
  }

  it("is read again after a run wrote into the index", async () => {
    const { w, asked } = counted("both");
    w.cassandra.put(record(ID, 5_000));
    const report = await runSync(w.settings, w.deps);
    assert.equal(report.outcome, "success");
    assert.equal(asked(), 2);
  });

  it("is not read again after a run that wrote nothing into the index", async () => {
    const back = counted("to-cassandra");
    back.w.elasticsearch.put(record(ID, 5_000));
    const report = await runSync(back.w.settings, back.w.deps);
    assert.deepEqual(
      report.tables.map((t) => [t.direction, t.written]),
      [["to-cassandra", 1]],
    );
    assert.equal(back.asked(), 1);

    const unchanged = counted("both");
    unchanged.w.cassandra.put(record(ID, 5_000));
    unchanged.w.elasticsearch.put(record(ID, 5_000));
    const same = await runSync(unchanged.w.settings, unchanged.w.deps);
    assert.equal(same.outcome, "success");
    assert.equal(
      same.tables.reduce((n, t) => n + t.written, 0),
      0,
    );
    assert.equal(unchanged.asked(), 1);
  });
});
