// Index mappings as synced writes and reads them, in the field types both products share. The one
// type they name differently, a whole JSON object as one field (a CQL map), is `flattened` here, as
// in Elasticsearch; the OpenSearch adapter names it `flat_object` on its way out and back
// (stores/opensearch/mappings.ts), so a mapping read from either product reads the same.

import { ownValue } from "../../core/own-value.js";

/** The map type: a whole JSON object, searchable by key and value, as one field. */
export const MAP_FIELD_TYPE = "flattened";

/** The map type as OpenSearch names it (2.7 and later). */
export const OPENSEARCH_MAP_FIELD_TYPE = "flat_object";

/** What messages call the search product. */
export type SearchProductName = "Elasticsearch" | "OpenSearch";

/**
 * A field type as `product` names it, for messages: the user mapped a map field as OpenSearch's
 * flat_object, which synced reads as the map type, and OpenSearch has no flattened type to look up.
 */
export function productFieldType(product: SearchProductName, type: string): string {
  return product === "OpenSearch" && type === MAP_FIELD_TYPE ? OPENSEARCH_MAP_FIELD_TYPE : type;
}

/** One field's mapping: what synced writes, and reads back (other parameters pass unread). */
export interface FieldMapping {
  /** Absent for an object with properties. */
  readonly type?: string;
  readonly properties?: FieldMappings;
  /** Sub-fields, such as a text field's `keyword`. */
  readonly fields?: FieldMappings;
  readonly format?: string;
  readonly enabled?: boolean;
  readonly index?: boolean;
  readonly doc_values?: boolean;
  readonly ignore_above?: number;
  readonly ignore_malformed?: boolean;
  /** How deeply a `flattened` field's objects may nest. */
  readonly depth_limit?: number;
  /** A dense_vector's size and element type. */
  readonly dims?: number;
  readonly element_type?: string;
  /** The fields the cluster copies this field's values into at indexing, never into `_source`. */
  readonly copy_to?: string | readonly string[];
}

export type FieldMappings = Readonly<Record<string, FieldMapping>>;

/**
 * A field's mapping by its name, dots and all: the cluster maps a field `a.b` as the property `b` of
 * an object `a` (unless that object keeps dotted names whole, `subobjects: false`).
 */
export function mappingAt(properties: FieldMappings, field: string): FieldMapping | undefined {
  const whole = ownValue(properties, field);
  if (whole !== undefined) return whole;
  for (let dot = field.indexOf("."); dot > 0; dot = field.indexOf(".", dot + 1)) {
    const inner = ownValue(properties, field.slice(0, dot))?.properties;
    const found = inner === undefined ? undefined : mappingAt(inner, field.slice(dot + 1));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The fields of `wanted` that `mapped` lacks: what to add to an index of an earlier mapping. */
export function missingFields(wanted: FieldMappings, mapped: FieldMappings): FieldMappings {
  return Object.fromEntries(
    Object.entries(wanted).filter(([field]) => mappingAt(mapped, field) === undefined),
  );
}

/** A new index's mapping. */
export interface IndexMapping {
  /** `strict` refuses documents with fields the mapping lacks. */
  readonly dynamic?: "strict";
  /** What the index is for, shown to whoever looks at it. */
  readonly _meta?: Readonly<Record<string, string>>;
  /** `required`: a write without a routing value is refused, rather than placed by its id. */
  readonly _routing?: { readonly required: boolean };
  readonly properties: FieldMappings;
}
