// Reads what Elasticsearch holds now for a batch of ids, with the sequence number and primary term
// that make the following write conditional. mget is realtime, so it sees writes not yet refreshed.
import { errors, type Client } from "@elastic/elasticsearch";
import type { BadRecord, CurrentRecord } from "../../reconcile/record.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { documentId, hitToRecord } from "./document-codec.js";

export interface EsToken {
  readonly seqNo: number;
  readonly primaryTerm: number;
}

export async function fetchDocuments(
  client: Client,
  plan: TablePlan,
  ids: readonly string[],
): Promise<Map<string, CurrentRecord<EsToken> | BadRecord>> {
  const found = new Map<string, CurrentRecord<EsToken> | BadRecord>();
  if (ids.length === 0) return found;
  let response;
  try {
    response = await client.mget({ index: plan.es.index, ids: ids.map((id) => documentId(plan, id)) });
  } catch (error) {
    // A dry run plans against an index it has not created: it holds nothing yet.
    if (isIndexMissing(error)) return found;
    throw error;
  }
  for (const [i, doc] of response.docs.entries()) {
    const id = ids[i];
    if (id === undefined || !("found" in doc) || !doc.found) continue;
    const record = hitToRecord(plan, doc);
    if ("kind" in record) {
      found.set(id, record);
      continue;
    }
    if (doc._seq_no === undefined || doc._primary_term === undefined) {
      throw new Error(`Elasticsearch returned ${doc._id} without _seq_no and _primary_term`);
    }
    // A document whose id field disagrees with the id asked for is the id's record in name only.
    if (record.id !== id) {
      found.set(id, {
        kind: "bad",
        id,
        reason: `document ${doc._id} holds id ${record.id}`,
        raw: doc._source,
      });
      continue;
    }
    found.set(id, { ...record, token: { seqNo: doc._seq_no, primaryTerm: doc._primary_term } });
  }
  return found;
}

function isIndexMissing(error: unknown): boolean {
  if (!(error instanceof errors.ResponseError)) return false;
  const body = error.body as { error?: { type?: string } } | undefined;
  return body?.error?.type === "index_not_found_exception";
}
