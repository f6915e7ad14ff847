// Reads what the search side holds now for a batch of ids, with the sequence number and primary term
// that make the following write conditional. mget is realtime, so it sees writes not yet refreshed.
//
// `_id` is case-sensitive, while a UUID is the same in either case, and applications write it both
// ways (Java and JavaScript in lowercase, .NET and SQL Server often in uppercase). So the id of a key
// with uuid or timeuuid columns is looked up under both spellings, its UUIDs all in lower case and
// all in upper case: a document found under either is the record to update, never a reason to index
// a second one. Mixed-case spellings are refused when scanned (document-codec.ts).
import type { FetchedDocument, RoutedId, SearchClient } from "./search-client.js";
import type { BadRecord, CurrentRecord } from "../../core/record.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { documentId, hitToRecord } from "./document-codec.js";
import { isSearchError } from "./search-error.js";
import { otherSpelling, uuidParts } from "../../core/table-key.js";
import type { JsonValue } from "../../core/json-value.js";
import { foreignValues } from "./document-fields.js";
import { documentRouting } from "./routing.js";

export interface EsToken {
  /** The document's `_id` as stored, which may spell the UUID in uppercase. */
  readonly documentId: string;
  readonly seqNo: number;
  readonly primaryTerm: number;
  /** The routing value the document was found under, which its write names again (TablePlan.es.routing). */
  readonly routing?: string;
  /** The document's fields that synced does not own (TablePlan.foreignFields), written back as read. */
  readonly kept?: Readonly<Record<string, JsonValue>>;
}

type Found = CurrentRecord<EsToken> | BadRecord;

/** An `_id` to look up, with its routing value where the table's documents are routed. */
function named(plan: TablePlan, text: string): string | RoutedId {
  const routing = documentRouting(plan, text);
  return routing === undefined ? documentId(plan, text) : { id: documentId(plan, text), routing };
}

/** The routing value a lookup named, which the write of the document found names again. */
function routingOf(name: string | RoutedId | undefined): string | undefined {
  return typeof name === "object" ? name.routing : undefined;
}

export async function fetchDocuments(
  client: SearchClient,
  plan: TablePlan,
  ids: readonly string[],
): Promise<Map<string, Found>> {
  const found = new Map<string, Found>();
  if (ids.length === 0) return found;
  // Each id's spellings in a row, as `idSpellings` gives them (a routing value taken from a uuid column
  // is spelled as the `_id` spells it). Built in one flat list, as this runs for every record a run
  // compares; a key without uuid columns asks one `_id` per id.
  const uuids = uuidParts(plan.key);
  const names: (string | RoutedId)[] = [];
  /** Where each id's names start in `names`; the next id's start ends them. */
  const starts: number[] = [];
  for (const id of ids) {
    starts.push(names.length);
    names.push(named(plan, id));
    const other = otherSpelling(id, uuids);
    if (other !== undefined) names.push(named(plan, other));
  }
  starts.push(names.length);
  let docs;
  try {
    docs = await client.getDocuments({ index: plan.es.index, ids: names });
  } catch (error) {
    // A dry run plans against an index it has not created: it holds nothing yet.
    if (isSearchError(error, "index-missing")) return found;
    throw error;
  }
  for (const [i, id] of ids.entries()) {
    const at = starts[i] ?? 0;
    const twoSpellings = (starts[i + 1] ?? 0) - at === 2;
    const lower = docs[at]?.found === true ? docs[at] : undefined;
    const upper = twoSpellings && docs[at + 1]?.found === true ? docs[at + 1] : undefined;
    if (lower !== undefined && upper !== undefined) {
      found.set(id, {
        kind: "bad",
        id,
        reason:
          `two documents hold id ${id}: _id '${lower._id}' and _id '${upper._id}'; ` +
          `delete the one that is out of date`,
        raw: [lower, upper].map((doc) => ({ _id: doc._id, _source: doc._source })),
      });
    } else if (lower !== undefined) {
      found.set(id, toCurrent(client, plan, id, lower, routingOf(names[at])));
    } else if (upper !== undefined) {
      found.set(id, toCurrent(client, plan, id, upper, routingOf(names[at + 1])));
    }
  }
  return found;
}

function toCurrent(
  client: SearchClient,
  plan: TablePlan,
  id: string,
  doc: FetchedDocument,
  routing: string | undefined,
): Found {
  const record = hitToRecord(plan, doc);
  if ("kind" in record) return record;
  if (doc._seq_no === undefined || doc._primary_term === undefined) {
    throw new Error(`${client.productName} returned ${doc._id} without _seq_no and _primary_term`);
  }
  // A document whose id field disagrees with the id asked for is the id's record in name only.
  if (record.id !== id) {
    return { kind: "bad", id, reason: `document ${doc._id} holds id ${record.id}`, raw: doc._source };
  }
  const kept = foreignValues(plan, (doc._source ?? {}) as Readonly<Record<string, JsonValue | undefined>>);
  return {
    ...record,
    token: {
      documentId: doc._id,
      seqNo: doc._seq_no,
      primaryTerm: doc._primary_term,
      ...(routing === undefined ? {} : { routing }),
      ...(kept === undefined ? {} : { kept }),
    },
  };
}

/** How many documents of the plan's type the index holds (0 when there is no index yet). */
export async function countDocuments(client: SearchClient, plan: TablePlan): Promise<number> {
  const type = plan.es.typeFilter;
  try {
    return await client.count({
      index: plan.es.index,
      ...(type ? { query: { term: { [type.queryField]: type.value } } } : {}),
    });
  } catch (error) {
    if (isSearchError(error, "index-missing")) return 0;
    throw error;
  }
}
