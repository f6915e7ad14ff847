// The key of a table --create-tables makes from an index: `PRIMARY KEY ((id), tmstmp)`, typed so that
// every document of the index fits it. A keyword id of '1' under a uuid column, or a date version
// under a timeuuid one chosen whatever the mapping said, sent every document to the dead letters.
import { ValueError } from "../../core/value-error.js";
import {
  productFieldType,
  type FieldMapping,
  type FieldMappings,
  type SearchProductName,
} from "../search/mapping.js";
import { cqlTypeForMapping } from "../values/es-mapping.js";
import { KEY_TYPES } from "./key-types.js";

export interface CreatedKey {
  readonly id: string;
  readonly timestamp: string;
}

/**
 * The CQL types of the id and version columns of a table made from an index with these fields.
 * `allUuids` says whether every id the index holds is a UUID: a keyword id then keys on uuid, as the
 * table an index synced made from had it. `product` names the field types in a refusal.
 */
export function createdKey(
  properties: FieldMappings,
  names: { id: string; timestamp: string },
  allUuids: boolean,
  product: SearchProductName,
): CreatedKey {
  const id = idType(properties[names.id], names.id, product);
  return {
    id: id === "text" && isKeyword(properties[names.id]) && allUuids ? "uuid" : id,
    timestamp: versionType(properties[names.timestamp]),
  };
}

/** Whether the field is mapped as a keyword, where a uuid column's values go. */
export function isKeyword(mapping: FieldMapping | undefined): boolean {
  return mapping?.type === "keyword";
}

/** A UUID in either case, in Lucene's regular expressions, which match the whole term. */
export const UUID_TERM = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

function idType(mapping: FieldMapping | undefined, field: string, product: SearchProductName): string {
  // Without an id field a document is known by its _id, which a uuid key reads.
  if (mapping === undefined) return "uuid";
  const { type } = cqlTypeForMapping(mapping, field, "", product);
  if (type.kind === "native" && KEY_TYPES.has(type.name)) return type.name;
  throw new ValueError(
    field,
    `the index maps it as ${mapping.type === undefined ? "an object" : productFieldType(product, mapping.type)}, which cannot key a table (a key is one of ` +
      `${[...KEY_TYPES].join(", ")}); create the table by hand with a key its documents fit`,
  );
}

// A date_nanos version keeps its microseconds in a timeuuid; a date holds milliseconds, as a timestamp.
function versionType(mapping: FieldMapping | undefined): string {
  return mapping?.type === "date" ? "timestamp" : "timeuuid";
}
