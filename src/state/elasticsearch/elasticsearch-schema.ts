// One index holds every key's state as three kinds of documents, with fixed ids:
//
//   checkpoint:<key>                    {kind: "checkpoint", format, key, position, updatedAt, runId, covers}
//   lease:<key>                         {kind: "lease", format, key, owner, holder, acquiredAt, expiresAt}
//   run:<key>:<finished ms>:<run id>    {kind: "run", format, key, runId, begin, end, startedAt, ...}
//
// `format` is the state format (state-format.ts); documents of the releases before it have none.
// Positions are sent as decimal strings: the `long` mapping indexes them for queries, and the source
// keeps the exact digits, which a JSON number past 2^53 would not.
import { createHash } from "node:crypto";
import type { IndexMapping } from "../../stores/search/mapping.js";
import type { Query, SortField } from "../../stores/search/query.js";
import type { RunRecord } from "../state-store.js";
import { indexNameProblem } from "../../core/names.js";
import { StateSetupError } from "../state-errors.js";
import { STATE_FORMAT } from "../state-format.js";
import type { JsonObject } from "../state-json.js";

export type Kind = "checkpoint" | "lease" | "run";

export const STATE_MAPPINGS: IndexMapping = {
  dynamic: "strict",
  _meta: { purpose: "synced state: checkpoints, leases, run history" },
  properties: {
    kind: { type: "keyword" },
    format: { type: "integer" },
    key: { type: "keyword" },
    position: { type: "long" },
    updatedAt: { type: "date" },
    runId: { type: "keyword" },
    covers: { type: "keyword" },
    owner: { type: "keyword" },
    holder: { type: "keyword" },
    acquiredAt: { type: "date" },
    expiresAt: { type: "date" },
    begin: { type: "long" },
    end: { type: "long" },
    startedAt: { type: "date" },
    finishedAt: { type: "date" },
    durationMs: { type: "double" },
    outcome: { type: "keyword" },
    checkpointBefore: { type: "long" },
    checkpointAfter: { type: "long" },
    // Counts are shown, never searched; their names are free.
    counts: { type: "object", enabled: false },
    message: { type: "text" },
  },
};

/** A state document as written: its kind and the state format first. */
export function stateDocument(kind: Kind, fields: JsonObject): JsonObject {
  return { kind, format: STATE_FORMAT, ...fields };
}

export function documentId(kind: Exclude<Kind, "run">, key: string): string {
  return `${kind}:${key}`;
}

/** Ids are at most 512 bytes; keys are short, run ids are whatever the caller chose. */
export function runDocumentId(run: RunRecord): string {
  const runId =
    Buffer.byteLength(run.runId) <= 200 ? run.runId : createHash("sha256").update(run.runId).digest("hex");
  return `run:${run.key}:${run.finishedAt.getTime()}:${runId}`;
}

export function kindQuery(kind: Kind, key: string): Query {
  return { bool: { filter: [{ term: { kind } }, { term: { key } }] } };
}

export const NEWEST_RUN_FIRST: readonly SortField[] = [{ finishedAt: "desc" }, { runId: "desc" }];

/** The state index name, or a StateSetupError naming what is wrong with it. */
export function checkIndexName(index: string): string {
  const problem = indexNameProblem(index);
  if (problem !== undefined) {
    throw new StateSetupError(`'${index}' is not usable as the state index: ${problem}.`, { index });
  }
  return index;
}
