// Turns a search-side document into a record and back, for either product. A document is checked against the table's
// columns as strictly as Cassandra would check a row, so a bad one is dead-lettered here with a
// message naming the field, rather than failing later inside a batch.
import { makeRecord, type BadRecord, type RecordTag, type SyncRecord } from "../../core/record.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { truncate } from "../../core/version.js";
import { canonicalize } from "../values/decode.js";
import { stableStringify } from "../../core/canonical-json.js";
import type { JsonValue } from "../../core/json-value.js";
import { formatEsTimestamp, parseEsTimestamp } from "./timestamps.js";
import type { StoredDocument } from "./search-client.js";
import { isUuidKey, respellUuids, upperUuids, uuidParts, type TableKey } from "../../core/table-key.js";
import { idFromFields, keyFields, NO_KEY_VALUE } from "../values/key-codec.js";
import { ValueError } from "../../core/value-error.js";
import {
  documentFields,
  liftOwnedFields,
  setField,
  unknownFields,
  type DocumentFields,
} from "./document-fields.js";
import { fieldOf } from "../../core/column-field.js";
import { ownValue } from "../../core/own-value.js";
import { formatCqlType, native } from "../../core/cql-type.js";
import { fieldAdvice } from "../../core/field-advice.js";
import { normalizationDifference } from "../../core/normalization-forms.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A document version's tag: it changes with every write to the document. */
export function documentTag(primaryTerm: number, seqNo: number): RecordTag {
  return { high: primaryTerm, low: seqNo };
}

export function documentId(plan: TablePlan, id: string): string {
  return `${plan.es.idPrefix}${id}`;
}

const lower = (text: string): string => text.toLowerCase();

/**
 * The record id a uuid-keyed document's `_id` names, without reading its source: undefined where the
 * `_id` is not this table's, or spells its UUID in anything but one case (hitToRecord then says why).
 */
export function uuidFromDocumentId(plan: TablePlan, documentId: string): string | undefined {
  if (!documentId.startsWith(plan.es.idPrefix)) return undefined;
  const spelled = documentId.slice(plan.es.idPrefix.length);
  const id = spelled.toLowerCase();
  return UUID.test(id) && (spelled === id || spelled === id.toUpperCase()) ? id : undefined;
}

export function hitToRecord(plan: TablePlan, hit: StoredDocument): SyncRecord | BadRecord {
  const read = (hit._source ?? {}) as Record<string, JsonValue | undefined>;
  const fields = documentFields(plan);
  const bad = (reason: string, id?: string): BadRecord => {
    const version = badVersion(plan, fields, read);
    return {
      kind: "bad",
      ...(id === undefined ? {} : { id }),
      reason,
      raw: { _id: hit._id, _source: read },
      ...(version === undefined ? {} : { version }),
      ...(hit._id === undefined ? {} : { documentId: hit._id }),
    };
  };
  const source = liftOwnedFields(fields, read);
  if (typeof source === "string") return bad(source);
  const identified = isUuidKey(plan.key) ? uuidId(plan, hit, source) : keyId(plan, hit, source);
  if (typeof identified !== "string") {
    const former = identified.keyless === undefined ? undefined : formerKeyFields(plan, fields, source);
    // Not counted as fields without a column: --create-columns would add the former name as a column.
    const advice =
      identified.keyless === undefined || former === undefined
        ? ""
        : renamedKeyAdvice(identified.keyless, former);
    return bad(identified.reason + advice, identified.id);
  }
  const id = identified;
  const rawVersion = ownValue(source, fields.timestamp);
  if (rawVersion === undefined || rawVersion === null)
    return { ...bad(`no '${fields.timestamp}' field`, id), undated: true };
  const parsed = parseEsTimestamp(rawVersion, plan.es.digitsAsMillis === true);
  if (parsed === undefined)
    return bad(`'${fields.timestamp}' is ${stableStringify(rawVersion)}, not a date`, id);
  const tombstone = deletedFlag(ownValue(source, fields.tombstone));
  if (tombstone === undefined) {
    const held = stableStringify(ownValue(source, fields.tombstone) ?? null);
    return bad(
      `tombstone field '${fields.tombstone}' is ${held}, not true or false (or "true", "false"): ` +
        "set it to true for a deleted record, false or nothing for a live one",
      id,
    );
  }
  const unknown = unknownFields(fields, source);
  if (unknown.length > 0) {
    // A renamed column's own name is no field: say where its value belongs.
    const moved = unknown.flatMap((k) => {
      const field = plan.fields?.get(k);
      return field === undefined ? [] : [`column ${k} is field '${field}' in this index`];
    });
    const unmapped = unknown.filter((k) => plan.fields?.get(k) === undefined);
    // A rename changed in the settings since the document was written: it holds the old field and
    // lacks the new one. A column of the old name would hold the values apart from the column's own.
    const renamedAway = [...(plan.fields ?? [])]
      .filter(([, field]) => ownValue(source, field) === undefined)
      .map(([column, field]) => `'${field}' (column ${column})`);
    const advice =
      unmapped.length > 0 && renamedAway.length > 0
        ? `if it was the field of a column renamed since (the document lacks ${renamedAway.join(", ")}), ` +
          "move its values to the new field in the index (an _update_by_query) and replay this letter; " +
          `else ${fieldAdvice(unmapped, source, plan.fieldsWithoutColumn)}`
        : fieldAdvice(unmapped, source, plan.fieldsWithoutColumn);
    return {
      ...bad(
        `field${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")} ha${unknown.length > 1 ? "ve" : "s"} ` +
          `no column in table ${plan.keyspace}.${plan.table}${moved.length > 0 ? ` (${moved.join("; ")})` : ""}; ` +
          advice,
        id,
      ),
      ...(unmapped.length > 0 ? { unmappedFields: unmapped } : {}),
    };
  }
  try {
    const content: Record<string, JsonValue> = {};
    for (const { column, field } of fields.content) {
      const value = ownValue(source, field);
      if (value === undefined || value === null) continue;
      const canonical = canonicalize(value, column.type, field);
      if (canonical !== null) content[column.name] = canonical;
    }
    const tag =
      hit._seq_no === undefined || hit._primary_term === undefined
        ? undefined
        : documentTag(hit._primary_term, hit._seq_no);
    return makeRecord(id, truncate(parsed, plan.es.timestampPrecision), tombstone, content, tag);
  } catch (error) {
    return bad(error instanceof Error ? error.message : String(error), id);
  }
}

/**
 * A document's delete flag, as Elasticsearch indexes a boolean field and as a boolean column's field
 * is read (decode-native.ts): the strings "true" and "false" too, which an application may send and
 * the index then finds as deleted. Missing or null is a live record; undefined: no flag at all.
 */
function deletedFlag(value: JsonValue | undefined): boolean | undefined {
  if (value === undefined || value === null || value === false || value === "false") return false;
  return value === true || value === "true" ? true : undefined;
}

/** The version of a document that is no record, where its timestamp field still reads as one. */
function badVersion(
  plan: TablePlan,
  fields: DocumentFields,
  read: Record<string, JsonValue | undefined>,
): bigint | undefined {
  const source = liftOwnedFields(fields, read);
  if (typeof source === "string") return undefined;
  const parsed = parseEsTimestamp(ownValue(source, fields.timestamp), plan.es.digitsAsMillis === true);
  return parsed === undefined ? undefined : truncate(parsed, plan.es.timestampPrecision);
}

interface Refusal {
  readonly reason: string;
  readonly id?: string;
  /** A key column whose field, under the column's own name, the document lacks. */
  readonly keyless?: string;
}

/**
 * The fields a document without a key column's field holds that no column does: Cassandra renames
 * only key columns (ALTER TABLE ... RENAME), so one of them may be the column's former name, which
 * every document written before the rename holds. Undefined where there is none.
 */
function formerKeyFields(
  plan: TablePlan,
  fields: DocumentFields,
  source: Readonly<Record<string, JsonValue | undefined>>,
): string[] | undefined {
  const unknown = unknownFields(fields, source).filter((field) => plan.fields?.get(field) === undefined);
  return unknown.length === 0 ? undefined : unknown;
}

function renamedKeyAdvice(column: string, former: readonly string[]): string {
  const named = former.map((field) => `'${field}'`).join(", ");
  const [first] = former;
  return (
    `; the document holds ${named}, which no column holds: if key column ${column} was renamed from ` +
    `${former.length > 1 ? "one of them" : "it"} (ALTER TABLE ... RENAME), give the column that field in ` +
    `the table's settings (rename: {${column}: ${first ?? column}}) in the config file, or move the ` +
    `values to field '${column}' in the index (an _update_by_query), and replay this letter`
  );
}

/**
 * The id of a document of a table keyed by one uuid: its key field, or, when an application left the
 * field out, its `_id`. Either may spell the UUID in upper case.
 */
function uuidId(
  plan: TablePlan,
  hit: StoredDocument,
  source: Record<string, JsonValue | undefined>,
): string | Refusal {
  const name = documentFields(plan).key[0] ?? plan.names.id;
  const spelled =
    hit._id?.startsWith(plan.es.idPrefix) === true ? hit._id.slice(plan.es.idPrefix.length) : undefined;
  const fromId = spelled?.toLowerCase();
  const field = ownValue(source, name);
  const id = typeof field === "string" ? field.toLowerCase() : fromId;
  if (field !== undefined && typeof field !== "string") return { reason: `field '${name}' is not a string` };
  if (id === undefined || !UUID.test(id)) {
    const column = plan.key.partition[0]?.name ?? name;
    const fix =
      `column ${column} of ${plan.keyspace}.${plan.table} is ${formatCqlType(plan.key.partition[0]?.type ?? native("uuid"))}: ` +
      "give the document a UUID (its _id and its field alike) and replay this letter, or sync these " +
      "documents to a table keyed on text";
    return {
      reason:
        field === undefined
          ? `no '${name}' field, and _id '${hit._id ?? ""}' does not hold a UUID; ${fix}`
          : `'${name}' is '${field}', not a UUID; ${fix}`,
    };
  }
  if (field !== undefined && fromId !== id) {
    return { reason: `field '${name}' (${id}) differs from the document _id '${hit._id ?? ""}'`, id };
  }
  // Lookups try the lowercase and the uppercase _id (fetch-current.ts); any other spelling could not
  // be found again, and writing the record back would make a second document.
  if (spelled !== undefined && spelled !== id && spelled !== id.toUpperCase()) {
    return {
      reason: `_id '${hit._id ?? ""}' spells its UUID in mixed case; reindex it under the lowercase id`,
      id,
    };
  }
  return id;
}

/**
 * The id of a document of any other key: made from its key fields, never read from `_id`. The `_id`
 * must be the one that id gives, or that with its UUIDs in upper case, or the record could not be
 * found again, and writing it back would make a second document.
 */
function keyId(
  plan: TablePlan,
  hit: StoredDocument,
  source: Record<string, JsonValue | undefined>,
): string | Refusal {
  let id: string;
  try {
    id = idFromFields(plan.key, source, (column) => fieldOf(plan, column));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const keyless =
      error instanceof ValueError && error.reason === NO_KEY_VALUE && fieldOf(plan, error.path) === error.path
        ? error.path
        : undefined;
    return keyless === undefined ? { reason } : { reason, keyless };
  }
  const expected = documentId(plan, id);
  if (hit._id === undefined || hit._id === expected) return id;
  const spelled = hit._id.startsWith(plan.es.idPrefix) ? hit._id.slice(plan.es.idPrefix.length) : undefined;
  const uuids = spelled === undefined ? undefined : uuidCase(plan.key, id, spelled);
  if (uuids === "upper") return id;
  if (uuids !== undefined) {
    return {
      reason: `_id '${hit._id}' spells its ${uuids} in mixed case; reindex it under '${expected}'`,
      id,
    };
  }
  const forms = normalizationDifference(hit._id, "the _id", expected, "the key fields");
  return {
    reason:
      `_id '${hit._id}' is not the id its key fields give ('${expected}')` +
      (forms === undefined ? "" : `: ${forms}`) +
      "; reindex it under that id",
    id,
  };
}

/**
 * How `spelled` differs from record `id`, where it differs only in the case of its UUIDs: "upper",
 * all of them in upper case, which lookups try too (fetch-current.ts), or what it spells in mixed
 * case, which no lookup finds, so that writing the record back would make a second document.
 */
function uuidCase(key: TableKey, id: string, spelled: string): "upper" | "UUID" | "UUIDs" | undefined {
  const uuids = uuidParts(key);
  if (uuids.at.length === 0 || respellUuids(spelled, uuids, lower) !== id) return undefined;
  if (spelled === upperUuids(id, uuids)) return "upper";
  return uuids.at.length > 1 ? "UUIDs" : "UUID";
}

export function recordToDocument(
  plan: TablePlan,
  record: SyncRecord,
  version: bigint,
): Record<string, JsonValue> {
  const fields = documentFields(plan);
  const document: Record<string, JsonValue> = isUuidKey(plan.key)
    ? { [fields.key[0] ?? plan.names.id]: record.id }
    : keyFields(plan.key, record.id, (column) => fieldOf(plan, column));
  document[fields.timestamp] = formatEsTimestamp(version, plan.es.timestampPrecision);
  if (plan.es.typeFilter) document[plan.es.typeFilter.field] = plan.es.typeFilter.value;
  if (record.deleted || plan.hasTombstone) document[fields.tombstone] = record.deleted;
  // Assigned in place rather than spread into a new object: this runs once per record written.
  const { content } = record;
  if (plan.fields === undefined) {
    for (const key in content) document[key] = content[key] as JsonValue;
  } else {
    for (const key in content) setField(document, fieldOf(plan, key), content[key] as JsonValue);
  }
  return document;
}
