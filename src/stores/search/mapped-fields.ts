// The fields of an index's mapping as the plan judges them (reconcile/schema-drift.ts): each field's
// type, and the column --create-columns would make of it, or why it makes none; the properties of an
// object too, by their dotted names, as a column named `a.b` is mapped. Types are named as the product
// names them (`flat_object` on OpenSearch), since messages show them to whoever mapped the field.
import type { MappedField, UnreadableFormat } from "../../reconcile/schema-drift.js";
import { ValueError } from "../../core/value-error.js";
import { cqlTypeForMapping } from "../values/es-mapping.js";
import {
  productFieldType,
  type FieldMapping,
  type FieldMappings,
  type SearchProductName,
} from "./mapping.js";
import { unreadableDateFormat } from "./date-formats.js";

export function mappedFields(
  properties: FieldMappings,
  product: SearchProductName,
  within?: string,
  fields = new Map<string, MappedField>(),
): ReadonlyMap<string, MappedField> {
  for (const [name, mapping] of Object.entries(properties)) {
    const field = within === undefined ? name : `${within}.${name}`;
    const formats = unreadableFormats(mapping);
    const nanos = dateNanosAt(mapping);
    fields.set(field, {
      type: mapping.type === undefined ? "object" : productFieldType(product, mapping.type),
      column: columnFor(mapping, field, product),
      ...(formats.size === 0 ? {} : { unreadableFormats: formats }),
      ...(nanos.size === 0 ? {} : { dateNanos: nanos }),
      ...(within === undefined ? {} : { nested: true }),
      ...(mapping.ignore_malformed === undefined ? {} : { ignoreMalformed: mapping.ignore_malformed }),
      ...(mapping.enabled === false ? { disabled: true } : {}),
    });
    // A column named `a.b` is the property `b` of the object `a` to the cluster.
    if (mapping.type === undefined && mapping.properties !== undefined) {
      mappedFields(mapping.properties, product, field, fields);
    }
  }
  if (within === undefined) {
    for (const target of copyTargets(properties)) {
      const mapped = fields.get(target);
      if (mapped !== undefined) fields.set(target, { ...mapped, copied: true });
    }
  }
  return fields;
}

/** The fields that `copy_to` of a field at or below `properties` names, by their full dotted names. */
export function copyTargets(properties: FieldMappings): string[] {
  return Object.values(properties).flatMap((mapping) => [
    ...(mapping.copy_to === undefined ? [] : [mapping.copy_to].flat()),
    ...copyTargets(mapping.properties ?? {}),
  ]);
}

/** The date fields at or below `mapping` whose format synced cannot read, by their path below it. */
function unreadableFormats(
  mapping: FieldMapping,
  path = "",
  found = new Map<string, UnreadableFormat>(),
): Map<string, UnreadableFormat> {
  const unreadable = unreadableDateFormat(mapping);
  if (unreadable !== undefined) found.set(path, unreadable);
  for (const [name, property] of Object.entries(mapping.properties ?? {})) {
    unreadableFormats(property, path === "" ? name : `${path}.${name}`, found);
  }
  return found;
}

/**
 * The date_nanos fields at or below `mapping`, by their path below it, with their own ignore_malformed:
 * below a `nested` or typed `object` field too, whose properties are no fields of the index's own list.
 */
function dateNanosAt(
  mapping: FieldMapping,
  path = "",
  found = new Map<string, boolean | undefined>(),
): Map<string, boolean | undefined> {
  if (mapping.type === "date_nanos") found.set(path, mapping.ignore_malformed);
  for (const [name, property] of Object.entries(mapping.properties ?? {})) {
    dateNanosAt(property, path === "" ? name : `${path}.${name}`, found);
  }
  return found;
}

function columnFor(mapping: FieldMapping, field: string, product: SearchProductName): MappedField["column"] {
  // A column's field may not start with _ (reconcile/field-names.ts): such a column would refuse its
  // table on every run until it was dropped.
  if (field.startsWith("_")) {
    return {
      problem:
        `field "${field}" starts with _, as the index's own fields do, and no column's field may: move its ` +
        "values to a field of another name (an _update_by_query), or remove it",
    };
  }
  try {
    const { type, udts } = cqlTypeForMapping(mapping, field, "", product);
    if (udts.length === 0) return { type };
    // --create-tables makes user-defined types for a new table; beside the columns of an existing one,
    // a type of the same name may already mean something else.
    return {
      problem:
        `field "${field}": an ${mapping.type ?? "object"} field would need a user-defined type; create the ` +
        "type and the column by hand",
    };
  } catch (error) {
    if (error instanceof ValueError) return { problem: error.message };
    throw error;
  }
}
