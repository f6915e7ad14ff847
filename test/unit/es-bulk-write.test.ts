// How writes become bulk requests: bounded chunks, --concurrency of them in flight, overloaded items
// retried, and outcomes in the order of the writes. A fake `bulk` stands in for the client: this is
// the request plan, not Elasticsearch (the integration tests write to the real server).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BulkRequest, BulkResult, SearchClient } from "../../src/stores/search/search-client.js";
import {
  bulkWrite,
  BulkRetriesExhaustedError,
  type EsWriteSettings,
} from "../../src/stores/search/bulk-write.js";
import { WriteRefusedError } from "../../src/stores/search/refused-privilege.js";
import { IndexGoneError } from "../../src/stores/search/index-gone.js";
import type { PlannedWrite } from "../../src/reconcile/record-store.js";
import { plan, record } from "../support/memory-stores.js";
import { bulkLines } from "../support/bulk-lines.js";

type Action = Record<string, { _id: string }>;

/** An item's answer: its status, and the error Elasticsearch gives with it. */
type Answer = number | { status: number; error: { type: string; reason: string } };

function fakeClient(answer: (id: string, attempt: number) => Answer): {
  client: SearchClient;
  maxInFlight: () => number;
  requests: string[][];
} {
  let inFlight = 0;
  let max = 0;
  const attempts = new Map<string, number>();
  const requests: string[][] = [];
  const bulk = async ({ lines }: BulkRequest): Promise<BulkResult> => {
    inFlight++;
    max = Math.max(max, inFlight);
    const actions = bulkLines(lines).filter((_, i) => i % 2 === 0) as Action[];
    const ids = actions.map((a) => Object.values(a)[0]?._id ?? "");
    requests.push(ids);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
    return {
      errors: true,
      items: ids.map((id) => {
        const attempt = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, attempt);
        const given = answer(id, attempt);
        return { create: typeof given === "number" ? { status: given } : given };
      }),
    };
  };
  return { client: { bulk } as unknown as SearchClient, maxInFlight: () => max, requests };
}

const ids = [1, 2, 3, 4, 5].map((n) => `0000000${n}-0000-4000-8000-000000000000`);
const writes: PlannedWrite[] = ids.map((id) => ({
  record: record(id, 10),
  current: undefined,
  version: 10n,
}));

function settings(client: SearchClient, overrides: Partial<EsWriteSettings> = {}): EsWriteSettings {
  return {
    client,
    versioning: "optimistic",
    concurrency: 2,
    maxBulkBytes: 1024 * 1024,
    maxBulkOperations: 2,
    maxDocumentBytes: 1024 * 1024,
    retry: (operation) => operation(),
    retryWindowMs: 600,
    ...overrides,
  };
}

describe("bulkWrite", () => {
  it("sends chunks of at most --batch-size writes, --concurrency at a time, with outcomes in order", async () => {
    const fake = fakeClient((id) => (id === ids[3] ? 409 : id === ids[4] ? 400 : 201));
    const outcomes = await bulkWrite(settings(fake.client), plan(), writes);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["written", "written", "written", "conflict", "rejected"],
    );
    assert.deepEqual(
      fake.requests.map((r) => r.length),
      [2, 2, 1],
    );
    assert.equal(fake.maxInFlight(), 2);

    const serial = fakeClient(() => 201);
    await bulkWrite(settings(serial.client, { concurrency: 1 }), plan(), writes);
    assert.equal(serial.maxInFlight(), 1);
  });

  it("retries only the items answered as overloaded, and gives up when the retry window runs out", async () => {
    const busyOnce = fakeClient((id, attempt) => (id === ids[0] && attempt === 1 ? 429 : 201));
    const outcomes = await bulkWrite(settings(busyOnce.client), plan(), writes.slice(0, 2));
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["written", "written"],
    );
    assert.deepEqual(busyOnce.requests, [[ids[0], ids[1]], [ids[0]]]);

    const alwaysBusy = fakeClient(() => 503);
    const started = Date.now();
    await assert.rejects(
      bulkWrite(settings(alwaysBusy.client), plan(), writes.slice(0, 1)),
      BulkRetriesExhaustedError,
    );
    // Tried again for the whole window, not past it (a timer may fire a little late).
    assert.ok(alwaysBusy.requests.length >= 3, String(alwaysBusy.requests.length));
    assert.ok(Date.now() - started >= 600);
  });

  it("marks the conflicts of a request it sent again, and of items sent again after a 5xx, and no other", async () => {
    // The first sending lands and its answer is lost: the retry sends the request again, and each
    // item meets its own first sending; the third is busy then, and meets it when retried alone.
    const resent = fakeClient((id, attempt) =>
      attempt === 1 ? 201 : id === ids[2] && attempt === 2 ? 429 : 409,
    );
    let sendings = 0;
    const firstSentTwice: EsWriteSettings["retry"] = async (operation) => {
      if (sendings++ === 0) await operation();
      return operation();
    };
    const outcomes = await bulkWrite(
      settings(resent.client, { retry: firstSentTwice, maxBulkOperations: 3 }),
      plan(),
      writes.slice(0, 3),
    );
    assert.deepEqual(outcomes, [
      { status: "conflict", sentAgain: true },
      { status: "conflict", sentAgain: true },
      { status: "conflict", sentAgain: true },
    ]);
    assert.deepEqual(resent.requests, [ids.slice(0, 3), ids.slice(0, 3), [ids[2]]]);

    // An item a failing shard answered 5xx may have landed; one answered 429 did not.
    const failing = fakeClient((id, attempt) => (attempt === 1 ? (id === ids[0] ? 503 : 429) : 409));
    assert.deepEqual(await bulkWrite(settings(failing.client), plan(), writes.slice(0, 2)), [
      { status: "conflict", sentAgain: true },
      { status: "conflict" },
    ]);

    const once = fakeClient(() => 409);
    assert.deepEqual(await bulkWrite(settings(once.client), plan(), writes.slice(0, 1)), [
      { status: "conflict" },
    ]);
  });

  it("stops, with no record refused, when the index was deleted or closed during the run", async () => {
    for (const [type, said] of [
      ["index_not_found_exception", /index app-things no longer exists: it was deleted during the run/],
      ["index_closed_exception", /index app-things was closed during the run/],
    ] as const) {
      const gone = fakeClient((id) =>
        id === ids[1]
          ? { status: type === "index_closed_exception" ? 400 : 404, error: { type, reason: "gone" } }
          : 201,
      );
      await assert.rejects(bulkWrite(settings(gone.client), plan(), writes.slice(0, 2)), (error: unknown) => {
        assert.ok(error instanceof IndexGoneError);
        assert.match(error.message, said);
        assert.match(error.message, /no record was dead-lettered/);
        assert.match(error.message, /checkpoint/);
        return true;
      });
    }
  });

  // Tried as an operator would: a role with write on some of the indices only. Each write to the
  // others was answered 403 in the bulk response, taken for a bad record and dead-lettered, and the
  // checkpoint moved past records that only wanted a privilege granted.
  it("stops, with no record refused, when the user may not write to the index (401, 403 on an item)", async () => {
    for (const status of [403, 401]) {
      const refused = fakeClient((id) =>
        id === ids[1]
          ? {
              status,
              error: {
                type: "security_exception",
                reason:
                  "action [indices:data/write/bulk[s]] is unauthorized for user [app] with effective roles [app] on " +
                  "indices [app-things], this action is granted by the index privileges [create_doc,create,delete,index,write,all]",
              },
            }
          : 201,
      );
      await assert.rejects(
        bulkWrite(settings(refused.client), plan(), writes.slice(0, 2)),
        (error: unknown) => {
          assert.ok(error instanceof WriteRefusedError, String(error));
          assert.equal(error.kind, "unreachable");
          assert.match(
            error.message,
            new RegExp(`refused writes to index app-things \\(${status}, security_exception: `),
          );
          assert.match(
            error.message,
            /granted by the index privileges \[create_doc,create,delete,index,write,all\]/,
          );
          assert.match(error.message, /no record was dead-lettered/);
          assert.match(error.message, /the checkpoint did not move/);
          return true;
        },
      );
    }
  });

  // Tried as an operator would: an index closed while a run wrote to it answered with the block of a
  // close in progress, and the run advised lifting a write block.
  it("takes the block of a close in progress for a closed index, and the flood stage for full disks", async () => {
    const closing = fakeClient(() => ({
      status: 400,
      error: {
        type: "cluster_block_exception",
        reason: "index [app-things] blocked by: [FORBIDDEN/4/index preparing to close];",
      },
    }));
    await assert.rejects(
      bulkWrite(settings(closing.client), plan(), writes.slice(0, 1)),
      (error: unknown) =>
        error instanceof IndexGoneError && /was closed during the run.*_open/.test(error.message),
    );
    const full = fakeClient(() => ({
      status: 429,
      error: {
        type: "cluster_block_exception",
        reason:
          "index [app-things] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, index has read-only-allow-delete block];",
      },
    }));
    await assert.rejects(
      bulkWrite(settings(full.client, { retryWindowMs: 0 }), plan(), writes.slice(0, 1)),
      (error: unknown) => {
        assert.ok(error instanceof BulkRetriesExhaustedError);
        // Tried as an operator would: the same block set by hand, with the disk far from full, reads
        // the same, and was told only that a node's disk passed its watermark.
        assert.match(error.message, /read-only-allow-delete block \(index\.blocks\.read_only_allow_delete\)/);
        assert.match(error.message, /set by hand.*reads the same/);
        assert.match(error.message, /[Ff]ree disk space or add nodes if a node's disk is that full/);
        assert.ok(
          error.message.includes('PUT app-things/_settings {"index.blocks.read_only_allow_delete": null}'),
          error.message,
        );
        assert.doesNotMatch(error.message, /lower --concurrency|overloaded/);
        return true;
      },
    );
  });
});
